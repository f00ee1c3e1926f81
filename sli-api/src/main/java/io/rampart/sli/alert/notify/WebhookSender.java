package io.rampart.sli.alert.notify;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Signed webhooks: the notification's JSON, signed with the channel's secret (docs/alerts.md). */
@ApplicationScoped
public class WebhookSender implements ChannelSender {

    public static final String DELIVERY_HEADER = "X-Rampart-Delivery";

    private final VendorHttp http;

    public WebhookSender(VendorHttp http) {
        this.http = http;
    }

    @Override
    public ChannelType type() {
        return ChannelType.WEBHOOK;
    }

    @Override
    public Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now) {
        String body = message(notification);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DELIVERY_HEADER, deliveryId == null ? "test" : Long.toString(deliveryId));
        headers.put(WebhookSignature.HEADER, WebhookSignature.header(recipient.credential(), now.getEpochSecond(), body));
        return http.postJson(recipient.url(), headers, body);
    }

    /** The body: the notification as JSON. */
    static String message(Notification notification) {
        return notification.payload().encode();
    }
}
