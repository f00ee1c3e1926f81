package io.rampart.sli.alert.notify;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** An app's notification channels: managed by admin and by the app's own vendor. */
@Path("/api/v1/apps/{appKey}/notification-channels")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class ChannelResource {

    private final ChannelService channels;
    private final Caller caller;

    public ChannelResource(ChannelService channels, Caller caller) {
        this.channels = channels;
        this.caller = caller;
    }

    /** 201 with the channel and its {@code signingSecret}, shown only here. */
    @POST
    @APIResponse(responseCode = "201", description = "The channel, its credential not shown again")
    @APIResponse(responseCode = "409", description = "The channel credential cannot be read with the configured keys")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    public Uni<Response> create(@PathParam("appKey") String appKey, ChannelRequest request) {
        caller.requireAppManager(appKey);
        return channels.create(appKey, request).map(channel -> Response
                .created(URI.create("/api/v1/apps/" + appKey + "/notification-channels/" + channel.id()))
                .entity(channel).build());
    }

    @GET
    @APIResponse(responseCode = "200", description = "The app's channels")
    public Uni<List<ChannelView>> list(@PathParam("appKey") String appKey) {
        caller.requireAppManager(appKey);
        return channels.list(appKey);
    }

    @GET
    @Path("/{channelId}")
    @APIResponse(responseCode = "200", description = "The channel")
    public Uni<ChannelView> get(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.get(appKey, channelId);
    }

    @PATCH
    @Path("/{channelId}")
    @APIResponse(responseCode = "200", description = "The channel as changed")
    @APIResponse(responseCode = "409", description = "The channel credential cannot be read with the configured keys")
    @APIResponse(responseCode = "415", description = Answers.NOT_JSON)
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<ChannelView> update(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId,
            ChannelRequest request) {
        caller.requireAppManager(appKey);
        return channels.update(appKey, channelId, request);
    }

    /** Sends a test message through the channel now and answers its outcome. */
    @POST
    @Path("/{channelId}/test")
    @APIResponse(responseCode = "200", description = "{delivered, status, detail}: what the receiver answered to a test notification")
    public Uni<ChannelService.TestResult> test(@PathParam("appKey") String appKey,
            @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.test(appKey, channelId, Instant.now());
    }

    @DELETE
    @Path("/{channelId}")
    @APIResponse(responseCode = "204", description = "The channel is deleted")
    @APIResponse(responseCode = "405", description = Answers.NO_ID)
    public Uni<Response> delete(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.delete(appKey, channelId).replaceWith(Response.noContent().build());
    }
}
