package io.rampart.sli.alert.notify;

import io.smallrye.mutiny.Uni;

import java.time.Instant;

/**
 * Sends a notification through one type of channel. Each type builds its whole message in one
 * place (its {@code message} method) from the {@link Notification}; the dispatcher decides when,
 * how often and whether again.
 */
public interface ChannelSender {

    ChannelType type();

    /**
     * One attempt at {@code now}. The item is always an {@link Outcome}: a failure to send is an
     * outcome, not a failed Uni. {@code deliveryId} is the same on every retry (null for a test).
     */
    Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now);
}
