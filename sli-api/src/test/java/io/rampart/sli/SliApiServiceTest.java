package io.rampart.sli;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.ServiceContractTest;

/** sli-api boots against the real embedded PostgreSQL and answers the operator endpoints. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SliApiServiceTest extends ServiceContractTest {

    @Override
    protected String anOperation() {
        return "GET /api/v1/apps/com.example.any/slis";
    }
}
