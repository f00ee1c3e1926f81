package io.rampart.ingest;

import io.rampart.store.testing.LayersContract;

/** The layers of event-ingest (docs/architecture.md, "Layers and the error contract"). */
class LayersTest extends LayersContract {

    @Override
    protected String service() {
        return "io.rampart.ingest";
    }
}
