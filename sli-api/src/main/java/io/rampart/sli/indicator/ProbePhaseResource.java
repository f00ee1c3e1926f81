package io.rampart.sli.indicator;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;

/** Why an app's probes take the time they take: the P90 of each phase. Readers of the app's SLIs may read it. */
@Path("/api/v1/apps/{appKey}/probe-phases")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class ProbePhaseResource {

    private final ProbePhaseService phases;
    private final Caller caller;

    public ProbePhaseResource(ProbePhaseService phases, Caller caller) {
        this.phases = phases;
        this.caller = caller;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The P90 of each probe phase per target over the window")
    public Uni<ProbePhases> phases(@PathParam("appKey") String appKey, @QueryParam("window") String window,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        caller.requireSliReader(appKey);
        return phases.phases(appKey, window, from, to, Instant.now());
    }
}
