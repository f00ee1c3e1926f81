package io.rampart.ingest;

import io.rampart.store.testing.LayersContract;

/** The layers of event-ingest (docs/architecture.md, "Layers"). */
class LayersTest extends LayersContract {

    @Override
    protected String service() {
        return "io.rampart.ingest";
    }
}
