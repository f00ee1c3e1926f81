package io.rampart.ingest.vendor;

import io.rampart.store.event.EventKind;

/** The {@code metricsType} of the Metric Publish API and the kind of row each becomes. */
enum MetricsType {
    IFRAME(EventKind.IFRAME_APP),
    SYNTHETIC(EventKind.SYNTHETIC);

    final EventKind kind;

    MetricsType(EventKind kind) {
        this.kind = kind;
    }
}
