package io.rampart.sli.openslo;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.rampart.sli.registry.AppRequest;
import io.rampart.sli.registry.RegistryService;
import io.rampart.sli.slo.SloCalculator;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An app's SLOs as OpenSLO v1 YAML: read by whoever may read its SLIs, set by an admin (who
 * manages the registry, where the targets are kept as the app's SLO overrides).
 */
@Path("/api/v1/apps/{appKey}/openslo")
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class OpenSloResource {

    static final String YAML = "application/yaml";

    private final RegistryService registry;
    private final SloCalculator slos;
    private final Caller caller;

    public OpenSloResource(RegistryService registry, SloCalculator slos, Caller caller) {
        this.registry = registry;
        this.slos = slos;
        this.caller = caller;
    }

    @GET
    @Produces({YAML, MediaType.APPLICATION_JSON})
    @RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
    @Operation(summary = "The app's SLOs as OpenSLO v1 documents (YAML stream)")
    @APIResponse(responseCode = "200", description = "The app's SLOs as OpenSLO documents")
    @APIResponse(responseCode = "406", description = "The request accepts neither YAML nor JSON")
    public Uni<String> get(@PathParam("appKey") String appKey) {
        caller.requireSliReader(appKey);
        return registry.get(appKey).map(app -> OpenSloDocuments.render(appKey, targets(app.sloOverrides())));
    }

    /**
     * Sets the app's SLO targets from OpenSLO documents: a listed SLI gets its objective's target,
     * an SLI left out goes back to the platform's default (a target equal to it is not kept as an
     * override, so the app follows the default if the platform changes it).
     */
    @PUT
    // JSON is YAML too: one document as a JSON object is read the same way.
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    @Produces({YAML, MediaType.APPLICATION_JSON})
    @RolesAllowed(Caller.ADMIN)
    @Operation(summary = "Set the app's SLO targets from OpenSLO v1 documents (YAML stream)")
    @APIResponse(responseCode = "200", description = "The SLOs as stored")
    @APIResponse(responseCode = "406", description = "The request accepts neither YAML nor JSON")
    @APIResponse(responseCode = "413", description = "The document is larger than allowed")
    @APIResponse(responseCode = "415", description = "The body is not YAML or JSON")
    public Uni<String> put(@PathParam("appKey") String appKey, String body) {
        Map<SliId, Double> wanted = OpenSloDocuments.parse(appKey, body);
        Map<String, Double> overrides = new LinkedHashMap<>();
        wanted.forEach((sli, target) -> {
            if (!target.equals(slos.target(sli, Map.of()))) {
                overrides.put(sli.id(), target);
            }
        });
        return registry.update(appKey, AppRequest.sloOverriding(overrides))
                .map(app -> OpenSloDocuments.render(appKey, targets(app.sloOverrides())));
    }

    /** Every ratio SLI that has a target for the app, in the SLI table's order. */
    private Map<SliId, Double> targets(Map<String, Double> overrides) {
        Map<SliId, Double> targets = new LinkedHashMap<>();
        for (SliId sli : SliId.values()) {
            Double target = sli.measure() == SliId.Measure.RATIO ? slos.target(sli, overrides) : null;
            if (target != null) {
                targets.put(sli, target);
            }
        }
        return targets;
    }
}
