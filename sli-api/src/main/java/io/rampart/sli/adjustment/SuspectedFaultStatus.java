package io.rampart.sli.adjustment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a suspected platform fault stands ({@code suspected_platform_fault.status}): open until an admin decides. */
public enum SuspectedFaultStatus {
    OPEN,
    CONFIRMED,
    DISMISSED;

    /** The status a query names, in any case ({@code confirmed}); empty for another word. */
    public static Optional<SuspectedFaultStatus> find(String wire) {
        String name = wire.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(status -> status.name().equals(name)).findFirst();
    }
}
