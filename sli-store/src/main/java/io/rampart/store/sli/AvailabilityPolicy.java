package io.rampart.store.sli;

import io.rampart.store.probe.ProbeOutcome;

import java.util.Optional;

/**
 * Which probes count as good for availability. The prober stores each probe's outcome and the
 * status code of an answer that came within the timeout, and the policy is applied when reading,
 * so a change of policy applies to past probes too.
 */
public enum AvailabilityPolicy implements WireValue {
    /** Any 2xx answer within the timeout: the programme's current rule. */
    TWO_XX("2xx"),
    /** Only 200 within the timeout: the programme's earlier rule. */
    HTTP_200("http-200");

    private final String wireValue;

    AvailabilityPolicy(String wireValue) {
        this.wireValue = wireValue;
    }

    @Override
    public String wireValue() {
        return wireValue;
    }

    /**
     * Whether an answer within the timeout is good under this policy (200 is good under both). A
     * 2xx other than 200 is recorded as {@link ProbeOutcome#HTTP_STATUS} with its code, decided as
     * soon as its status line arrived; the database's {@code rampart_probe_good} is the same rule.
     */
    public boolean isGoodAnswer(int statusCode) {
        return statusCode == 200 || this == TWO_XX && isTwoXx(statusCode);
    }

    private static boolean isTwoXx(int statusCode) {
        return statusCode / 100 == 2;
    }

    /** The policy with this wire value; empty for null or an unknown value. */
    public static Optional<AvailabilityPolicy> find(String value) {
        return WireValue.find(AvailabilityPolicy.class, value);
    }
}
