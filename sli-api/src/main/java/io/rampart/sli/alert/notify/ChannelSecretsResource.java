package io.rampart.sli.alert.notify;

import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Sealing-key rotation of the channels' signing secrets (admin only). */
@Path("/api/v1/notification-channels/reseal")
@RolesAllowed(Caller.ADMIN)
public class ChannelSecretsResource {

    private final ChannelService channels;

    public ChannelSecretsResource(ChannelService channels) {
        this.channels = channels;
    }

    @POST
    @APIResponse(responseCode = "200", description = "{resealed, failed}: every channel credential sealed again with the active key")
    public Uni<ChannelService.Reseal> reseal() {
        return channels.resealAll();
    }
}
