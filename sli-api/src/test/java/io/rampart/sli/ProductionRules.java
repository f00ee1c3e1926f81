package io.rampart.sli;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test profile with the production rules the test profile relaxes: notification receivers on
 * public addresses only (the tests' own, on 127.0.0.1, are refused), operator API base URLs over
 * https only, and the default limit of anonymous status page views per client address.
 */
public class ProductionRules implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rampart.alerts.delivery.allow-private-networks", "false",
                "rampart.outgoing.https-only", "true",
                "rampart.status-page.anonymous-views", "60");
    }
}
