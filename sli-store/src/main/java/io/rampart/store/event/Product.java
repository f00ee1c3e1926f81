package io.rampart.store.event;

import java.util.Locale;

/** Host products that send webhooks; the wire value is the lower-case name ({@code "jira"}). */
public enum Product {
    JIRA, CONFLUENCE;

    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
