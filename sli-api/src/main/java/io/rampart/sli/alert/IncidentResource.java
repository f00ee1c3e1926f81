package io.rampart.sli.alert;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An app's incidents, readable by whoever may read its SLIs, acknowledged by whoever manages the app. */
@Path("/api/v1/apps/{appKey}/incidents")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class IncidentResource {

    private final IncidentService incidents;
    private final Caller caller;

    public IncidentResource(IncidentService incidents, Caller caller) {
        this.incidents = incidents;
        this.caller = caller;
    }

    @GET
    @Path("/{incidentId}")
    @APIResponse(responseCode = "200", description = "The incident")
    public Uni<IncidentView> one(@PathParam("appKey") String appKey, @PathParam("incidentId") String incidentId) {
        caller.requireSliReader(appKey);
        return incidents.one(appKey, id(appKey, incidentId), caller.isAdmin());
    }

    /**
     * Acknowledges an open incident (the app's vendor or an admin): its reminders stop, and the
     * status page shows who and when. Acknowledging again keeps the first; a resolved incident 409.
     */
    @POST
    @Path("/{incidentId}/ack")
    @RolesAllowed({Caller.ADMIN, Caller.VENDOR})
    @APIResponse(responseCode = "200", description = "The incident, acknowledged")
    @APIResponse(responseCode = "409", description = "The incident is resolved")
    public Uni<IncidentView> acknowledge(@PathParam("appKey") String appKey, @PathParam("incidentId") String incidentId) {
        caller.requireAppManager(appKey);
        UUID id = id(appKey, incidentId);
        // An incident the caller may not see is unknown to it (404), also for acknowledging.
        return incidents.one(appKey, id, caller.isAdmin())
                .chain(() -> incidents.acknowledge(appKey, id, caller.name(), Instant.now()))
                .chain(() -> incidents.one(appKey, id, caller.isAdmin()));
    }

    /** An incident id; anything else names no incident (404, as an unknown one). */
    private static UUID id(String appKey, String incidentId) {
        try {
            return UUID.fromString(incidentId);
        } catch (IllegalArgumentException e) {
            throw Refusal.notFound("the app " + appKey + " has no incident " + incidentId);
        }
    }

    @GET
    @APIResponse(responseCode = "200", description = "The app's incidents, newest first")
    public Uni<List<IncidentView>> list(@PathParam("appKey") String appKey, @QueryParam("status") String status,
            @QueryParam("limit") Integer limit) {
        caller.requireSliReader(appKey);
        return incidents.list(appKey, status, limit, caller.isAdmin());
    }
}
