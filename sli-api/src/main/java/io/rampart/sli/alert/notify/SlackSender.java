package io.rampart.sli.alert.notify;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;

/**
 * Slack incoming webhooks: a JSON message with {@code text} (the notification's fallback) and
 * Block Kit {@code blocks}. The webhook URL is the credential: sealed, never shown or logged.
 */
@ApplicationScoped
public class SlackSender implements ChannelSender {

    /** Slack cuts a header's plain text at 150 characters. */
    private static final int HEADER_LIMIT = 150;

    private final VendorHttp http;
    private final Links links;

    public SlackSender(VendorHttp http, Links links) {
        this.http = http;
        this.links = links;
    }

    @Override
    public ChannelType type() {
        return ChannelType.SLACK;
    }

    @Override
    public Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now) {
        return http.postJson(recipient.credential(), Map.of(), message(notification).encode());
    }

    /** The whole Slack message: app, SLI, value against SLO, window, links to the status page and the incident. */
    JsonObject message(Notification notification) {
        String header = notification.event() + ": " + notification.appName();
        JsonArray fields = new JsonArray()
                .add(mrkdwn("*App*\n" + escape(notification.appName()) + " (`" + escape(notification.appKey()) + "`)"))
                .add(mrkdwn("*SLI*\n`" + escape(notification.metricName()) + "`"))
                .add(mrkdwn("*Value vs SLO*\n" + escape(notification.figures())))
                .add(mrkdwn("*Window*\n" + notification.window()));
        JsonArray blocks = new JsonArray()
                .add(new JsonObject().put("type", "header").put("text", plain(header.length() > HEADER_LIMIT
                        ? header.substring(0, HEADER_LIMIT - 1) + "…" : header)))
                .add(new JsonObject().put("type", "section").put("fields", fields))
                .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(mrkdwn(
                        "Rule `" + escape(notification.rule()) + "` (" + escape(notification.severity()) + ") · "
                                + notification.time() + " · incident " + notification.incidentId()))))
                .add(new JsonObject().put("type", "actions").put("elements", new JsonArray()
                        .add(button("Status page", links.statusPage(notification)))
                        .add(button("Incident", links.incident(notification)))));
        return new JsonObject().put("text", notification.summary()).put("blocks", blocks);
    }

    private static JsonObject mrkdwn(String text) {
        return new JsonObject().put("type", "mrkdwn").put("text", text);
    }

    private static JsonObject plain(String text) {
        return new JsonObject().put("type", "plain_text").put("text", text);
    }

    private static JsonObject button(String text, String url) {
        return new JsonObject().put("type", "button").put("text", plain(text)).put("url", url);
    }

    /** Slack's control characters in mrkdwn: a vendor's app name must not become a link or a mention. */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
