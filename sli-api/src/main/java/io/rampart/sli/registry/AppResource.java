package io.rampart.sli.registry;

import io.rampart.sli.api.Answers;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** The app registry (admin only): apps, their health check targets and shared secrets. */
@Path("/api/v1")
@RolesAllowed(Caller.ADMIN)
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
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
    @APIResponse(responseCode = "201", description = "The app, with its sharedSecret (shown only here and on rotation)")
    @APIResponse(responseCode = "409", description = "An app with this key is already registered")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> create(AppRequest request) {
        return registry.create(request)
                .map(app -> Response.created(URI.create("/api/v1/apps/" + app.appKey())).entity(app).build());
    }

    @GET
    @Path("/apps")
    @APIResponse(responseCode = "200", description = "Every registered app")
    public Uni<List<AppView>> list() {
        return registry.list();
    }

    @GET
    @Path("/apps/{appKey}")
    @APIResponse(responseCode = "200", description = "The app")
    public Uni<AppView> get(@PathParam("appKey") String appKey) {
        return registry.get(appKey);
    }

    @PATCH
    @Path("/apps/{appKey}")
    @APIResponse(responseCode = "200", description = "The app as changed")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<AppView> update(@PathParam("appKey") String appKey, AppRequest request) {
        return registry.update(appKey, request);
    }

    /** Disables the app (enabled = false): probes and ingest stop, its data stays readable. */
    @DELETE
    @Path("/apps/{appKey}")
    @APIResponse(responseCode = "204", description = "The app is disabled; its data stays readable")
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<Response> disable(@PathParam("appKey") String appKey) {
        return registry.disable(appKey).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/apps/{appKey}/targets")
    @APIResponse(responseCode = "200", description = "The app's health check targets with their certificates")
    public Uni<List<TargetView>> targets(@PathParam("appKey") String appKey) {
        Instant now = Instant.now();
        return registry.get(appKey).chain(app -> certificates.byLabel(appKey, now).map(byLabel -> app.baseUrls().stream()
                .map(target -> new TargetView(target.label(), target.url(), target.enabled(), byLabel.get(target.label())))
                .toList()));
    }

    @POST
    @Path("/apps/{appKey}/targets")
    @APIResponse(responseCode = "201", description = "The app's targets")
    @APIResponse(responseCode = "409", description = "The app already has a target with this label")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> addTarget(@PathParam("appKey") String appKey, BaseUrl target) {
        return registry.addTarget(appKey, target)
                .map(app -> Response.status(Response.Status.CREATED).entity(app.baseUrls()).build());
    }

    @DELETE
    @Path("/apps/{appKey}/targets/{label}")
    @APIResponse(responseCode = "204", description = "The target is deleted")
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<Response> deleteTarget(@PathParam("appKey") String appKey, @PathParam("label") String label) {
        return registry.deleteTarget(appKey, label).replaceWith(Response.noContent().build());
    }

    /** A new shared secret (shown only here); the previous one stays valid for the grace period. */
    @POST
    @Path("/apps/{appKey}/shared-secret/rotate")
    @APIResponse(responseCode = "200", description = "The new shared secret (shown only here)")
    @APIResponse(responseCode = "409", description = "A secret of the app is sealed with a key no longer configured")
    public Uni<SharedSecretRepository.Rotation> rotateSecret(@PathParam("appKey") String appKey) {
        return secrets.rotate(appKey);
    }

    /** Seals every stored secret again with the active sealing key (see docs/sli-api.md). */
    @POST
    @Path("/shared-secrets/reseal")
    @APIResponse(responseCode = "200", description = "{resealed, failed}: every shared secret sealed again with the active key")
    public Uni<SharedSecretRepository.Reseal> reseal() {
        return secrets.resealAll();
    }
}
