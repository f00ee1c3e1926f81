package io.rampart.ingest.vendor;

/** The {@code status} of a published metric. */
enum MetricStatus {
    SUCCESS, FAIL
}
