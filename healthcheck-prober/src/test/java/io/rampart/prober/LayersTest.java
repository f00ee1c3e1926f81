package io.rampart.prober;

import io.rampart.store.testing.LayersContract;

/**
 * The layers of the prober (docs/architecture.md, "Layers and the error contract"): it serves no
 * REST API of its own (health, metrics and OpenAPI come from Quarkus), so nothing of it may speak
 * REST outside an {@code api} package or a {@code *Resource}.
 */
class LayersTest extends LayersContract {

    @Override
    protected String service() {
        return "io.rampart.prober";
    }
}
