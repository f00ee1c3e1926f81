package io.rampart.prober;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.ServiceContractTest;

/** healthcheck-prober boots against the real embedded PostgreSQL and answers the operator endpoints. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProberServiceTest extends ServiceContractTest {
}
