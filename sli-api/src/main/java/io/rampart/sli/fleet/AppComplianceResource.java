package io.rampart.sli.fleet;

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

/** One app's compliance month by month: admin, statuspage and the app's own vendor. */
@Path("/api/v1/apps/{appKey}/compliance")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class AppComplianceResource {

    private final ComplianceService compliance;
    private final Caller caller;

    public AppComplianceResource(ComplianceService compliance, Caller caller) {
        this.compliance = compliance;
        this.caller = caller;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The app's compliance by month")
    public Uni<AppCompliance> history(@PathParam("appKey") String appKey, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("adjustments") String adjustments) {
        caller.requireSliReader(appKey);
        return compliance.history(appKey, from, to, adjustments, Instant.now());
    }
}
