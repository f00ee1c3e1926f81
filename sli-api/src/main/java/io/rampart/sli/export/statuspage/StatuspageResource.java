package io.rampart.sli.export.statuspage;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** An app's Statuspage configuration and export state (admin only). */
@Path("/api/v1/apps/{appKey}/statuspage")
@RolesAllowed(Caller.ADMIN)
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class StatuspageResource {

    private final StatuspageService statuspage;

    public StatuspageResource(StatuspageService statuspage) {
        this.statuspage = statuspage;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The app's Statuspage export, its API key not shown")
    public Uni<StatuspageView> get(@PathParam("appKey") String appKey) {
        return statuspage.get(appKey);
    }

    @PUT
    @APIResponse(responseCode = "200", description = "The export as stored")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<StatuspageView> put(@PathParam("appKey") String appKey, StatuspageRequest request) {
        return statuspage.save(appKey, request);
    }

    @DELETE
    @APIResponse(responseCode = "204", description = "The export is removed")
    public Uni<Response> delete(@PathParam("appKey") String appKey) {
        return statuspage.delete(appKey).map(done -> Response.noContent().build());
    }
}
