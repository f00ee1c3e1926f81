package io.rampart.sli.alert.notify;

import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;

/**
 * PagerDuty Events API v2: {@code trigger} when an incident opens (and again for each reminder,
 * which PagerDuty de-duplicates into the open alert's log), {@code resolve} when it ends, with the
 * incident id as {@code dedup_key}. The routing key is sealed and travels only in the body.
 */
@ApplicationScoped
public class PagerDutySender implements ChannelSender {

    /** PagerDuty's limit on a summary. */
    private static final int SUMMARY_LIMIT = 1024;

    private final VendorHttp http;
    private final Links links;
    private final String eventsUrl;

    public PagerDutySender(VendorHttp http, Links links, AlertConfig config) {
        this.http = http;
        this.links = links;
        this.eventsUrl = config.vendors().pagerdutyEventsUrl();
    }

    @Override
    public ChannelType type() {
        return ChannelType.PAGERDUTY;
    }

    @Override
    public Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now) {
        return http.postJson(eventsUrl, Map.of(), message(notification, recipient.credential()).encode());
    }

    /** The event: a resolve names only the alert; a trigger carries the summary, severity and the figures. */
    JsonObject message(Notification notification, String routingKey) {
        JsonObject event = new JsonObject()
                .put("routing_key", routingKey)
                .put("event_action", notification.resolved() ? "resolve" : "trigger")
                .put("dedup_key", notification.incidentId());
        if (notification.resolved()) {
            return event;
        }
        String summary = notification.summary();
        return event
                .put("payload", new JsonObject()
                        .put("summary", summary.length() > SUMMARY_LIMIT ? summary.substring(0, SUMMARY_LIMIT) : summary)
                        .put("source", notification.appKey())
                        .put("severity", severity(notification))
                        .put("timestamp", notification.time().toString())
                        .put("component", notification.metricName())
                        .put("group", notification.appKey())
                        .put("class", notification.rule())
                        .put("custom_details", notification.programmeFormat()
                                .put("rule", notification.rule()).put("severity", notification.severity())))
                .put("client", "Rampart")
                .put("client_url", links.statusPage(notification))
                .put("links", new JsonArray()
                        .add(new JsonObject().put("href", links.incident(notification)).put("text", "Incident"))
                        .add(new JsonObject().put("href", links.statusPage(notification)).put("text", "Status page")));
    }

    /** page -> critical, ticket -> warning; a test is info. */
    static String severity(Notification notification) {
        if (notification.test()) {
            return "info";
        }
        return notification.page() ? "critical" : "warning";
    }
}
