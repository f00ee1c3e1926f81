package io.rampart.store.event;

/** The kinds of rows in {@code app_event}: who sent the event and what it measures. */
public enum EventKind {
    /** Host: an iframe load as the host saw it (connected back over the bridge or not). */
    IFRAME_HOST,
    /** Vendor (Metric Publish API, {@code IFRAME}): an iframe load as the app's server saw it. */
    IFRAME_APP,
    /** Vendor (Metric Publish API, {@code SYNTHETIC}): one run of a synthetic check. */
    SYNTHETIC,
    /** Host: a lifecycle callback (install, update, uninstall, enable, disable). */
    LIFECYCLE,
    /** Host: one webhook delivery attempt. */
    WEBHOOK
}
