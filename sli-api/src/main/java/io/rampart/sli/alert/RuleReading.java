package io.rampart.sli.alert;

/**
 * What one alert rule says of one app at one evaluation: whether it fires, and the figures an
 * incident and its notifications show (the SLI over the rule's window against its objective).
 */
public record RuleReading(String rule, String severity, String metricName, String metricUnit,
        long measurementDurationSeconds, Double sliValue, Double sloValue, boolean firing) {
}
