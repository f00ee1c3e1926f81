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
 * The latest failed events of an app. Read like the SLIs (admin, statuspage, the app's vendor);
 * sites only to the app's vendor and admins.
 */
@Path("/api/v1/apps/{appKey}/failures")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
public class FailureResource {

    private final DiagnosticsService diagnostics;
    private final Caller caller;

    public FailureResource(DiagnosticsService diagnostics, Caller caller) {
        this.diagnostics = diagnostics;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The latest failed events of one SLI (of all without sli), newest first")
    @APIResponse(responseCode = "200", description = "{from, to, webhookPolicy, availabilityPolicy, lifecycleScope,"
            + " adjustments, failures: [{time, sli, target?, location?, site?, outcome, statusCode?, durationMs, excluded?,"
            + " ...}]}")
    @APIResponse(responseCode = "400", description = "A bad limit (1 to 500), policy, scope or adjustments (none)")
    @APIResponse(responseCode = "403", description = "The token may not read this app")
    @APIResponse(responseCode = "404", description = "No such app or SLI")
    public Uni<FailureList> failures(@PathParam("appKey") String appKey, @QueryParam("sli") String sli,
            @QueryParam("limit") String limit, @QueryParam("webhookPolicy") String webhookPolicy,
            @QueryParam("availabilityPolicy") String availabilityPolicy, @QueryParam("lifecycleScope") String lifecycleScope,
            @QueryParam("adjustments") String adjustments) {
        caller.requireSliReader(appKey);
        return diagnostics.failures(appKey, sli, limit, webhookPolicy, availabilityPolicy, lifecycleScope, adjustments,
                caller.maySeeSites(appKey), Instant.now());
    }
}
