package io.rampart.store.sli;

import io.rampart.store.event.LifecycleKind;

import java.util.Optional;

/**
 * Which lifecycle callbacks the lifecycle SLIs count, applied when reading like the webhook
 * policy: every kind, or installation callbacks only (the programme's current rule).
 */
public enum LifecycleScope implements WireValue {
    ALL("all"),
    INSTALLED("installed");

    private final String wireValue;

    LifecycleScope(String wireValue) {
        this.wireValue = wireValue;
    }

    @Override
    public String wireValue() {
        return wireValue;
    }

    /**
     * Whether callbacks of this kind count under this scope.
     *
     * @param kind the callback's kind, or {@code null} where it is not known (counts under {@link #ALL} only)
     */
    public boolean counts(LifecycleKind kind) {
        return this == ALL || kind == LifecycleKind.INSTALLED;
    }

    /** The scope with this wire value; empty for null or an unknown value. */
    public static Optional<LifecycleScope> find(String value) {
        return WireValue.find(LifecycleScope.class, value);
    }
}
