package io.rampart.sli.alert.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a notification channel is reached; {@code wire} is the name in the API and the database. */
public enum ChannelType {
    WEBHOOK, EMAIL, SLACK, PAGERDUTY, OPSGENIE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of a wire name, or null. */
    public static ChannelType of(String wire) {
        return Arrays.stream(values()).filter(type -> type.wire().equals(wire)).findFirst().orElse(null);
    }

    static String names() {
        return Arrays.stream(values()).map(ChannelType::wire).collect(Collectors.joining(", "));
    }
}
