package io.rampart.publisher;

/** The outcome of a vendor item. */
public enum MetricStatus {
    SUCCESS,
    FAIL
}
