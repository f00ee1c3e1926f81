package io.rampart.sli.alert.notify;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * Body of creating or changing (fields present change) a notification channel. Per type:
 * {@code webhook} {@code url}; {@code email} {@code to}; {@code slack} {@code webhookUrl};
 * {@code pagerduty} {@code routingKey}; {@code opsgenie} {@code apiKey} and {@code region}.
 * Every type: filters, reminders, resolve message and quiet hours (docs/alerts.md).
 */
@RegisterForReflection
public record ChannelRequest(String type, String name, String url, Boolean enabled, List<String> to,
        String webhookUrl, String routingKey, String apiKey, String region, List<String> rules,
        List<String> severities, Integer reminderEveryHours, Boolean sendResolved, QuietHoursRequest quietHours) {

    /** Quiet hours as asked: {@code {"start": "22:00", "end": "07:00", "timeZone": "Europe/Berlin"}}; {@code {}} removes them. */
    @RegisterForReflection
    public record QuietHoursRequest(String start, String end, String timeZone) {
    }
}
