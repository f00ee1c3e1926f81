package io.rampart.sli.adjustment;

import io.quarkus.security.identity.SecurityIdentity;
import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Adjustments: every kind for admins under {@code /api/v1/adjustments}; an app's maintenance
 * windows under {@code /api/v1/apps/{appKey}/maintenance} for its vendor too; suspected platform
 * faults for admins to confirm or dismiss.
 */
@Path("/api/v1")
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class AdjustmentResource {

    private final AdjustmentService adjustments;
    private final SuspectedFaultService suspected;
    private final Caller caller;
    private final SecurityIdentity identity;

    public AdjustmentResource(AdjustmentService adjustments, SuspectedFaultService suspected, Caller caller,
            SecurityIdentity identity) {
        this.adjustments = adjustments;
        this.suspected = suspected;
        this.caller = caller;
        this.identity = identity;
    }

    @POST
    @Path("/adjustments")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "201", description = "The adjustment")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> declare(AdjustmentRequest request) {
        return adjustments.declare(request, declarer(), Instant.now()).map(AdjustmentResource::created);
    }

    @GET
    @Path("/adjustments")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "200", description = "The adjustments, withdrawn ones included")
    public Uni<List<AdjustmentView>> list(@QueryParam("appKey") String appKey, @QueryParam("kind") String kind,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        return adjustments.list(appKey, kind, from, to);
    }

    @GET
    @Path("/adjustments/{id}")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "200", description = "The adjustment with its history")
    public Uni<AdjustmentView> get(@PathParam("id") long id) {
        return adjustments.get(id, null);
    }

    /** 204; the adjustment stays in the history with who withdrew it and when. */
    @DELETE
    @Path("/adjustments/{id}")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "204", description = "The adjustment is withdrawn; its history stays")
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<Response> withdraw(@PathParam("id") long id) {
        return adjustments.withdraw(id, null, declarer()).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/apps/{appKey}/maintenance")
    @RolesAllowed({Caller.ADMIN, Caller.VENDOR})
    @APIResponse(responseCode = "201", description = "The maintenance window")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> declareMaintenance(@PathParam("appKey") String appKey, AdjustmentRequest request) {
        caller.requireAppManager(appKey);
        if (request != null && (request.kind() != null || request.appKeys() != null)) {
            throw Refusal.invalid(request.kind() != null ? "kind" : "appKeys",
                    "the path names the app and the kind");
        }
        return adjustments.maintenance(appKey, request, declarer(), Instant.now()).map(AdjustmentResource::created);
    }

    @GET
    @Path("/apps/{appKey}/maintenance")
    @RolesAllowed({Caller.ADMIN, Caller.VENDOR})
    @APIResponse(responseCode = "200", description = "The app's maintenance windows")
    public Uni<List<AdjustmentView>> listMaintenance(@PathParam("appKey") String appKey, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        caller.requireAppManager(appKey);
        return adjustments.list(appKey, AdjustmentView.MAINTENANCE, from, to)
                .map(found -> found.stream().filter(a -> a.appKeys() != null && a.appKeys().contains(appKey)).toList());
    }

    @DELETE
    @Path("/apps/{appKey}/maintenance/{id}")
    @RolesAllowed({Caller.ADMIN, Caller.VENDOR})
    @APIResponse(responseCode = "204", description = "The window is withdrawn; its history stays")
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<Response> withdrawMaintenance(@PathParam("appKey") String appKey, @PathParam("id") long id) {
        caller.requireAppManager(appKey);
        return adjustments.withdraw(id, appKey, declarer()).replaceWith(Response.noContent().build());
    }

    /** Suspected platform faults, newest first; {@code status} open, confirmed or dismissed. */
    @GET
    @Path("/suspected-platform-faults")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "200", description = "The suspected platform faults")
    public Uni<List<SuspectedFault>> suspectedFaults(@QueryParam("status") String status) {
        return suspected.list(status);
    }

    /** 201 with the platform fault it became; the body ({@code start}, {@code end}, {@code reason}, {@code reference}) is optional. */
    @POST
    @Path("/suspected-platform-faults/{id}/confirm")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "201", description = "The platform fault adjustment made of the suspected fault")
    @APIResponse(responseCode = "409", description = "The suspected fault is no longer open")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> confirm(@PathParam("id") long id, AdjustmentRequest request) {
        return suspected.confirm(id, request, declarer(), Instant.now()).map(AdjustmentResource::created);
    }

    @POST
    @Path("/suspected-platform-faults/{id}/dismiss")
    @RolesAllowed(Caller.ADMIN)
    @APIResponse(responseCode = "204", description = "The suspected fault is dismissed")
    @APIResponse(responseCode = "409", description = "The suspected fault is no longer open")
    public Uni<Response> dismiss(@PathParam("id") long id) {
        return suspected.dismiss(id, declarer()).replaceWith(Response.noContent().build());
    }

    private AdjustmentService.Declarer declarer() {
        return new AdjustmentService.Declarer(caller.name(), identity.hasRole(Caller.ADMIN));
    }

    private static Response created(AdjustmentView adjustment) {
        return Response.created(URI.create("/api/v1/adjustments/" + adjustment.id())).entity(adjustment).build();
    }
}
