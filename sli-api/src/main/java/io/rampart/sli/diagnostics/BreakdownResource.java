package io.rampart.sli.diagnostics;

import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;

/**
 * Why an SLI failed: its breakdown by cause. Read like the SLIs (admin, statuspage, the app's
 * vendor); sites only to the app's vendor and admins.
 */
@Path("/api/v1/apps/{appKey}/slis/{sliId}/breakdown")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
public class BreakdownResource {

    private final DiagnosticsService diagnostics;
    private final Caller caller;

    public BreakdownResource(DiagnosticsService diagnostics, Caller caller) {
        this.diagnostics = diagnostics;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The window's events of one SLI grouped by cause, largest first, adding up to the total")
    @APIResponse(responseCode = "200", description = "{appKey, sliId, from, to, source: rollups|raw_events,"
            + " missingDimensions?, rawRetentionDays, webhookPolicy, availabilityPolicy, lifecycleScope, total, bad,"
            + " excluded, adjustments, causes: [{dimensions, count, good}], sites?}")
    @APIResponse(responseCode = "400", description = "A bad window, policy, scope, source or adjustments, or raw events"
            + " asked for a window older than their retention")
    @APIResponse(responseCode = "403", description = "The token may not read this app")
    @APIResponse(responseCode = "404", description = "No such app or SLI")
    public Uni<Breakdown> breakdown(@PathParam("appKey") String appKey, @PathParam("sliId") String sliId,
            @QueryParam("window") String window, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("webhookPolicy") String webhookPolicy, @QueryParam("availabilityPolicy") String availabilityPolicy,
            @QueryParam("lifecycleScope") String lifecycleScope, @QueryParam("source") String source,
            @QueryParam("adjustments") String adjustments) {
        caller.requireSliReader(appKey);
        return diagnostics.breakdown(appKey, sliId, window, from, to, webhookPolicy, availabilityPolicy, lifecycleScope,
                source, adjustments, caller.maySeeSites(appKey), Instant.now());
    }
}
