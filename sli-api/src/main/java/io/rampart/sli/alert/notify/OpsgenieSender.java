package io.rampart.sli.alert.notify;

import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Opsgenie Alert API: create when an incident opens (and again for each reminder, which Opsgenie
 * de-duplicates on the open alert, raising its count), close when it ends, both with the incident id
 * as {@code alias}. The API key is sealed and sent as {@code Authorization: GenieKey <key>} to the
 * channel's region (US or EU API base).
 */
@ApplicationScoped
public class OpsgenieSender implements ChannelSender {

    public static final String REGION = "region";
    public static final String EU = "eu";

    /** Opsgenie's limit on an alert's message. */
    private static final int MESSAGE_LIMIT = 130;

    private final VendorHttp http;
    private final Links links;
    private final AlertConfig.Vendors vendors;

    public OpsgenieSender(VendorHttp http, Links links, AlertConfig config) {
        this.http = http;
        this.links = links;
        this.vendors = config.vendors();
    }

    @Override
    public ChannelType type() {
        return ChannelType.OPSGENIE;
    }

    @Override
    public Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now) {
        String base = EU.equals(recipient.settings().getString(REGION)) ? vendors.opsgenieEuUrl() : vendors.opsgenieUsUrl();
        String url = notification.resolved()
                ? base + "/v2/alerts/" + URLEncoder.encode(notification.incidentId(), StandardCharsets.UTF_8)
                        + "/close?identifierType=alias"
                : base + "/v2/alerts";
        return http.postJson(url, Map.of("Authorization", "GenieKey " + recipient.credential()),
                message(notification).encode());
    }

    /** A close names its source and a note; a create carries message, alias, description, details and priority. */
    JsonObject message(Notification notification) {
        if (notification.resolved()) {
            return new JsonObject().put("source", "Rampart").put("note", notification.summary());
        }
        String message = notification.summary();
        JsonObject details = new JsonObject();
        notification.programmeFormat().put("rule", notification.rule()).put("severity", notification.severity())
                .forEach(entry -> {
                    // Opsgenie's details are a map of strings.
                    if (entry.getValue() instanceof JsonObject app) {
                        details.put("appName", app.getString("name")).put("partnerName", app.getString("partnerName"));
                    } else {
                        details.put(entry.getKey(), entry.getValue() == null ? null : String.valueOf(entry.getValue()));
                    }
                });
        return new JsonObject()
                .put("message", message.length() > MESSAGE_LIMIT ? message.substring(0, MESSAGE_LIMIT - 1) + "…" : message)
                .put("alias", notification.incidentId())
                .put("description", notification.appName() + " (" + notification.appKey() + "): "
                        + notification.metricName() + " " + notification.figures() + " over " + notification.window()
                        + ", rule " + notification.rule() + " (" + notification.severity() + ").\n"
                        + "Status page: " + links.statusPage(notification) + "\nIncident: " + links.incident(notification))
                .put("tags", new JsonArray().add("rampart").add(notification.severity()).add(notification.metricName()))
                .put("details", details)
                .put("entity", notification.appKey())
                .put("source", "Rampart")
                .put("priority", priority(notification));
    }

    /** page -> P1, ticket -> P3; a test is P5. */
    static String priority(Notification notification) {
        if (notification.test()) {
            return "P5";
        }
        return notification.page() ? "P1" : "P3";
    }
}
