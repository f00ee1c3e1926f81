package io.rampart.sli.alert;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where an incident stands ({@code alert_incident.status}). */
public enum IncidentStatus {
    OPEN,
    RESOLVED;

    /** The status a query names, in any case ({@code open}); empty for another word. */
    public static Optional<IncidentStatus> find(String wire) {
        String name = wire.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(status -> status.name().equals(name)).findFirst();
    }
}
