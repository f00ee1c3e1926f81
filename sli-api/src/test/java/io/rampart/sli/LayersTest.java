package io.rampart.sli;

import io.rampart.store.testing.LayersContract;

/** The layers of sli-api (docs/architecture.md, "Layers"). */
class LayersTest extends LayersContract {

    @Override
    protected String service() {
        return "io.rampart.sli";
    }
}
