package io.rampart.sli.alert.notify;

import io.quarkus.qute.TemplateData;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Locale;

/**
 * One notification of an incident: its state change (ANOMALOUS when it opens, RESOLVED when it
 * ends), a reminder while it stays open ({@code reminder} > 0), or a channel test. Built when the
 * incident changes and stored as the delivery's payload (the webhook body), so every retry sends
 * the same message; every channel type renders its own message from it. {@code resolution} says why a
 * RESOLVED one was resolved where that was not its rule's recovery ("excluded: platform fault 12");
 * {@code suspectedFault} that an opening breach fell in a minute of a suspected platform fault of
 * its app ("suspected platform-wide fault: 15 of 25 apps failing").
 */
@TemplateData
public record Notification(String appKey, String appName, String partnerName, String incidentId,
        String incidentStatus, Instant time, String rule, String severity, String metricName, String metricUnit,
        long measurementDurationSeconds, Double sliValue, Double sloValue, int reminder, boolean test, String resolution,
        String suspectedFault) {

    public static final String ANOMALOUS = "ANOMALOUS";
    public static final String RESOLVED = "RESOLVED";
    public static final String PAGE = "page";

    /** The webhook body (docs/alerts.md, "The notification"). */
    public JsonObject payload() {
        JsonObject payload = new JsonObject()
                .put("appKey", appKey)
                .put("appDetails", new JsonObject().put("name", appName).put("partnerName", partnerName))
                .put("incidentId", incidentId)
                .put("incidentStatus", incidentStatus)
                .put("time", time.toString())
                .put("metricName", metricName)
                .put("metricUnit", metricUnit)
                .put("measurementDurationSeconds", measurementDurationSeconds)
                .put("sliValue", sliValue)
                .put("sloValue", sloValue)
                .put("rule", rule)
                .put("severity", severity);
        if (reminder > 0) {
            payload.put("reminder", reminder);
        }
        if (test) {
            payload.put("test", true);
        }
        if (resolution != null) {
            payload.put("resolution", resolution);
        }
        if (suspectedFault != null) {
            payload.put("suspectedPlatformFault", suspectedFault);
        }
        return payload;
    }

    public static Notification of(JsonObject payload) {
        JsonObject app = payload.getJsonObject("appDetails", new JsonObject());
        return new Notification(payload.getString("appKey"), app.getString("name"), app.getString("partnerName"),
                payload.getString("incidentId"), payload.getString("incidentStatus"),
                Instant.parse(payload.getString("time")), payload.getString("rule"), payload.getString("severity"),
                payload.getString("metricName"), payload.getString("metricUnit"),
                payload.getLong("measurementDurationSeconds"), payload.getDouble("sliValue"),
                payload.getDouble("sloValue"), payload.getInteger("reminder", 0), payload.getBoolean("test", false),
                payload.getString("resolution"), payload.getString("suspectedPlatformFault"));
    }

    public boolean resolved() {
        return RESOLVED.equals(incidentStatus);
    }

    public boolean page() {
        return PAGE.equals(severity);
    }

    /** What happened, as a message's first word: Test, Reminder n, Resolved or Open. */
    public String event() {
        if (test) {
            return "Test";
        }
        return resolved() ? "Resolved" : reminder > 0 ? "Reminder " + reminder : "Open";
    }

    /** One line for subjects, Slack's fallback text, PagerDuty's summary and Opsgenie's message. */
    public String summary() {
        return event() + ": " + appName + " " + metricName + " " + figures() + " over " + window()
                + (resolution == null ? "" : " (" + resolution + ")")
                + (suspectedFault == null ? "" : " (" + suspectedFault + ")");
    }

    /** The SLI's value against its SLO, in the SLI's unit ("80.00 % against SLO 99.90 %"). */
    public String figures() {
        return (sliValue == null ? "no data" : number(sliValue)) + (sloValue == null ? "" : " against SLO " + number(sloValue));
    }

    /** The rule's window, e.g. "15 m", "1 h", "3 d". */
    public String window() {
        long seconds = measurementDurationSeconds;
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + " d";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds % 60 == 0 ? seconds / 60 + " m" : seconds + " s";
    }

    /** The programme's unit names of the breach notification format. */
    public String programmeUnit() {
        return switch (metricUnit) {
            case "%" -> "PERCENT";
            case "ms" -> "MILLISECONDS";
            default -> "COUNT";
        };
    }

    /** The breach notification in the programme's format: the email's incident-data block. */
    public JsonObject programmeFormat() {
        return new JsonObject()
                .put("appKey", appKey)
                .put("appDetails", new JsonObject().put("name", appName).put("partnerName", partnerName))
                .put("incidentId", incidentId)
                .put("incidentStatus", resolved() ? RESOLVED : ANOMALOUS)
                .put("time", time.toString())
                .put("metricName", metricName)
                .put("metricUnit", programmeUnit())
                .put("measurementDurationSeconds", measurementDurationSeconds)
                .put("sliValue", sliValue)
                .put("sloValue", sloValue);
    }

    private String number(double value) {
        String unit = "%".equals(metricUnit) ? " %" : "ms".equals(metricUnit) ? " ms" : "";
        return String.format(Locale.ROOT, "%.2f", value) + unit;
    }
}
