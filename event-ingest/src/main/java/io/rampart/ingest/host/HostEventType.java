package io.rampart.ingest.host;

/** The {@code type} of a host event. */
enum HostEventType {
    IFRAME_LOAD, LIFECYCLE, WEBHOOK
}
