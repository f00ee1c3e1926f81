package io.rampart.sli.alert;

import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import java.util.List;

/** An app's incidents, readable by whoever may read its SLIs. */
@Path("/api/v1/apps/{appKey}/incidents")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
public class IncidentResource {

    private final IncidentQueries incidents;
    private final Caller caller;

    public IncidentResource(IncidentQueries incidents, Caller caller) {
        this.incidents = incidents;
        this.caller = caller;
    }

    @GET
    public Uni<List<IncidentView>> list(@PathParam("appKey") String appKey, @QueryParam("status") String status,
            @QueryParam("limit") Integer limit) {
        caller.requireSliReader(appKey);
        return incidents.list(appKey, status, limit);
    }
}
