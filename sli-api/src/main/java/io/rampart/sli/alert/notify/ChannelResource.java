package io.rampart.sli.alert.notify;

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

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** An app's notification channels: managed by admin and by the app's own vendor. */
@Path("/api/v1/apps/{appKey}/notification-channels")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR})
public class ChannelResource {

    private final ChannelService channels;
    private final Caller caller;

    public ChannelResource(ChannelService channels, Caller caller) {
        this.channels = channels;
        this.caller = caller;
    }

    /** 201 with the channel and its {@code signingSecret}, shown only here. */
    @POST
    public Uni<Response> create(@PathParam("appKey") String appKey, ChannelRequest request) {
        caller.requireAppManager(appKey);
        return channels.create(appKey, request).map(channel -> Response
                .created(URI.create("/api/v1/apps/" + appKey + "/notification-channels/" + channel.id()))
                .entity(channel).build());
    }

    @GET
    public Uni<List<ChannelView>> list(@PathParam("appKey") String appKey) {
        caller.requireAppManager(appKey);
        return channels.list(appKey);
    }

    @GET
    @Path("/{channelId}")
    public Uni<ChannelView> get(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.get(appKey, channelId);
    }

    @PATCH
    @Path("/{channelId}")
    public Uni<ChannelView> update(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId,
            ChannelRequest request) {
        caller.requireAppManager(appKey);
        return channels.update(appKey, channelId, request);
    }

    /** Sends a test message through the channel now and answers its outcome. */
    @POST
    @Path("/{channelId}/test")
    public Uni<ChannelService.TestResult> test(@PathParam("appKey") String appKey,
            @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.test(appKey, channelId, Instant.now());
    }

    @DELETE
    @Path("/{channelId}")
    public Uni<Response> delete(@PathParam("appKey") String appKey, @PathParam("channelId") String channelId) {
        caller.requireAppManager(appKey);
        return channels.delete(appKey, channelId).replaceWith(Response.noContent().build());
    }
}
