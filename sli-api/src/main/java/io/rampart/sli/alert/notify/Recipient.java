package io.rampart.sli.alert.notify;

import io.vertx.core.json.JsonObject;

/**
 * A channel as its sender needs it: the webhook's {@code url}, the type's non-secret
 * {@code settings} and its opened {@code credential} (signing secret, Slack URL, routing key, API
 * key; null for email). Never logged.
 */
public record Recipient(String channelId, String name, String url, JsonObject settings, String credential) {

    @Override
    public String toString() {
        return "Recipient[" + channelId + "]";
    }
}
