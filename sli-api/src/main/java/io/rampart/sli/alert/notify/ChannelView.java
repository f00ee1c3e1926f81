package io.rampart.sli.alert.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * A notification channel as the API answers it: never its credential, except {@code signingSecret}
 * in the answer that created a webhook. {@code url} is a webhook's address; {@code to} an email
 * channel's addresses; {@code region} an Opsgenie channel's; {@code rules} and {@code severities}
 * absent receive all.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelView(String id, String appKey, String type, String name, String url, List<String> to,
        String region, boolean enabled, List<String> rules, List<String> severities, Integer reminderEveryHours,
        boolean sendResolved, QuietHours quietHours, Health health, Instant createdAt, Instant updatedAt,
        String signingSecret) {

    /** Non-page notifications in [start, end) local time of {@code timeZone} wait until {@code end}. */
    @RegisterForReflection
    public record QuietHours(String start, String end, String timeZone) {
    }

    /**
     * {@code failing} once {@code consecutiveFailures} failed attempts in a row reach the configured
     * limit (a delivered attempt clears it); {@code failingSince}: the first failure of the run.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(String state, int consecutiveFailures, Instant failingSince, String lastError) {
    }
}
