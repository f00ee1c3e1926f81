package io.rampart.publisher;

/** What a vendor item measures: an iframe load seen from the app's server, or a synthetic check. */
public enum MetricsType {
    IFRAME,
    SYNTHETIC
}
