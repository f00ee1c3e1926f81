package io.rampart.ingest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.ServiceContractTest;

/** event-ingest boots against the real embedded PostgreSQL and answers the operator endpoints. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class IngestServiceTest extends ServiceContractTest {

    @Override
    protected String anOperation() {
        return "PUT /rest/atlassian-connect/latest/addons-metrics/com.example.any/publish";
    }
}
