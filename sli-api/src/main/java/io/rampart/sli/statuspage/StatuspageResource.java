package io.rampart.sli.statuspage;

import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** An app's Statuspage configuration and export state (admin only). */
@Path("/api/v1/apps/{appKey}/statuspage")
@RolesAllowed(Caller.ADMIN)
public class StatuspageResource {

    private final StatuspageService statuspage;

    public StatuspageResource(StatuspageService statuspage) {
        this.statuspage = statuspage;
    }

    @GET
    public Uni<StatuspageView> get(@PathParam("appKey") String appKey) {
        return statuspage.get(appKey);
    }

    @PUT
    public Uni<StatuspageView> put(@PathParam("appKey") String appKey, StatuspageRequest request) {
        return statuspage.save(appKey, request);
    }

    @DELETE
    public Uni<Response> delete(@PathParam("appKey") String appKey) {
        return statuspage.delete(appKey).map(done -> Response.noContent().build());
    }
}
