package io.rampart.store.event;

import java.util.Locale;

/** Lifecycle callbacks; the wire value is the lower-case name ({@code "installed"}). */
public enum LifecycleKind {
    INSTALLED, UPDATED, UNINSTALLED, ENABLED, DISABLED;

    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
