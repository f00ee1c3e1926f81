package io.rampart.sli.outgoing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test profile with the production rules for outgoing calls: receivers on public addresses
 * only (the tests' own, on 127.0.0.1, are refused), operator API base URLs over https only.
 */
public class ProductionOutgoingRules implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rampart.alerts.delivery.allow-private-networks", "false",
                "rampart.outgoing.https-only", "true");
    }
}
