package io.rampart.sli;

import io.rampart.store.testing.LayersContract;

/** The layers of sli-api (docs/architecture.md, "Layers and the error contract"). */
class LayersTest extends LayersContract {

    @Override
    protected String service() {
        return "io.rampart.sli";
    }
}
