package io.rampart.ingest.host;

/** The {@code type} of a host event. */
public enum HostEventType {
    IFRAME_LOAD, LIFECYCLE, WEBHOOK
}
