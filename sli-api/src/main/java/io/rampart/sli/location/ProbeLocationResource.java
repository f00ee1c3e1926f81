package io.rampart.sli.location;

import io.rampart.sli.api.Caller;
import io.rampart.sli.location.ProbeLocationRepository.ProbeLocation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;

/**
 * The prober's locations (docs/prober.md, "Locations"): each with its replicas, how many are live,
 * when one last synced, and whether the location is live or gone.
 */
@Path("/api/v1/probe-locations")
@RolesAllowed(Caller.ADMIN)
public class ProbeLocationResource {

    /** The answer: every location seen in the last day. */
    public record ProbeLocations(List<ProbeLocation> locations) {
    }

    private final ProbeLocationRepository locations;

    public ProbeLocationResource(ProbeLocationRepository locations) {
        this.locations = locations;
    }

    @GET
    @APIResponse(responseCode = "200", description = "Every probe location, its live replicas, and the locations whose replicas are all gone")
    public Uni<ProbeLocations> locations() {
        return locations.all().map(ProbeLocations::new);
    }
}
