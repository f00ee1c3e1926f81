package io.rampart.sli.registry;

import io.rampart.sli.api.Caller;
import io.rampart.sli.certificate.CertificateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** The app registry (admin only): apps, their health check targets and shared secrets. */
@Path("/api/v1")
@RolesAllowed(Caller.ADMIN)
public class AppResource {

    private final RegistryService registry;
    private final SharedSecretRepository secrets;
    private final CertificateRepository certificates;

    public AppResource(RegistryService registry, SharedSecretRepository secrets, CertificateRepository certificates) {
        this.registry = registry;
        this.secrets = secrets;
        this.certificates = certificates;
    }

    /** 201 with the app and its {@code sharedSecret}, shown only here and on rotation. */
    @POST
    @Path("/apps")
    public Uni<Response> create(AppRequest request) {
        return registry.create(request)
                .map(app -> Response.created(URI.create("/api/v1/apps/" + app.appKey())).entity(app).build());
    }

    @GET
    @Path("/apps")
    public Uni<List<AppView>> list() {
        return registry.list();
    }

    @GET
    @Path("/apps/{appKey}")
    public Uni<AppView> get(@PathParam("appKey") String appKey) {
        return registry.get(appKey);
    }

    @PATCH
    @Path("/apps/{appKey}")
    public Uni<AppView> update(@PathParam("appKey") String appKey, AppRequest request) {
        return registry.update(appKey, request);
    }

    /** Disables the app (enabled = false): probes and ingest stop, its data stays readable. */
    @DELETE
    @Path("/apps/{appKey}")
    public Uni<Response> disable(@PathParam("appKey") String appKey) {
        return registry.disable(appKey).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/apps/{appKey}/targets")
    public Uni<List<TargetView>> targets(@PathParam("appKey") String appKey) {
        Instant now = Instant.now();
        return registry.get(appKey).chain(app -> certificates.byLabel(appKey, now).map(byLabel -> app.baseUrls().stream()
                .map(target -> new TargetView(target.label(), target.url(), target.enabled(), byLabel.get(target.label())))
                .toList()));
    }

    @POST
    @Path("/apps/{appKey}/targets")
    public Uni<Response> addTarget(@PathParam("appKey") String appKey, BaseUrl target) {
        return registry.addTarget(appKey, target)
                .map(app -> Response.status(Response.Status.CREATED).entity(app.baseUrls()).build());
    }

    @DELETE
    @Path("/apps/{appKey}/targets/{label}")
    public Uni<Response> deleteTarget(@PathParam("appKey") String appKey, @PathParam("label") String label) {
        return registry.deleteTarget(appKey, label).replaceWith(Response.noContent().build());
    }

    /** A new shared secret (shown only here); the previous one stays valid for the grace period. */
    @POST
    @Path("/apps/{appKey}/shared-secret/rotate")
    public Uni<SharedSecretRepository.Rotation> rotateSecret(@PathParam("appKey") String appKey) {
        return secrets.rotate(appKey);
    }

    /** Seals every stored secret again with the active sealing key (see docs/sli-api.md). */
    @POST
    @Path("/shared-secrets/reseal")
    public Uni<SharedSecretRepository.Reseal> reseal() {
        return secrets.resealAll();
    }
}
