package io.rampart.sli.location;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.rampart.sli.location.ProbeLocationRepository.AppLocations;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Where an app is probed from and its quorum rule (docs/slis.md, "Probe locations and the quorum
 * rule"): {@code {"probeLocations": ["eu-west", "us-east"] or null, "quorum": "any"|"quorum"|"all"}};
 * null locations: every location with a live prober replica.
 */
@Path("/api/v1/apps/{appKey}/probe-locations")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class AppProbeLocationResource {

    private final ProbeLocationRepository locations;
    private final Caller caller;

    public AppProbeLocationResource(ProbeLocationRepository locations, Caller caller) {
        this.locations = locations;
        this.caller = caller;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The app's probe locations and quorum rule")
    public Uni<AppLocations> get(@PathParam("appKey") String appKey) {
        caller.requireAppManager(appKey);
        return locations.ofApp(appKey).map(found -> found(appKey, found));
    }

    @PUT
    @APIResponse(responseCode = "200", description = "The probe locations and quorum rule as stored")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<AppLocations> set(@PathParam("appKey") String appKey, AppLocations request) {
        caller.requireAppManager(appKey);
        return locations.set(appKey, ProbeLocationValidator.forSet(request)).map(found -> found(appKey, found));
    }

    private static AppLocations found(String appKey, AppLocations found) {
        if (found == null) {
            throw Refusal.notFound("no app " + appKey);
        }
        return found;
    }
}
