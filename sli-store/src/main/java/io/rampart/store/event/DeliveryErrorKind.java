package io.rampart.store.event;

/** Why the host could not reach an app with a lifecycle callback or a webhook. */
public enum DeliveryErrorKind {
    DNS, CONNECT, TLS, TIMEOUT
}
