package io.rampart.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings the manifest tests derive from the services' sources are the ones DESIGN.md names. */
class ServiceConfigurationTest {

    @Test
    void theSecretsDesignMdRequiresInProdAreDerivedForEveryService() {
        for (String service : ServiceConfiguration.SERVICES) {
            assertThat(ServiceConfiguration.of(service).requiredEnvironment()).as(service)
                    .contains("RAMPART_DB_PASSWORD", "RAMPART_SECRETS_KEY");
        }
    }

    @Test
    void servicesThatVerifyPlatformTokensNeedThePublicKey() {
        assertThat(ServiceConfiguration.of("event-ingest").requiredEnvironment()).contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        assertThat(ServiceConfiguration.of("sli-api").requiredEnvironment()).contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }

    @Test
    void servicesServeTheHealthAndMetricsPathsUnderQ() {
        for (String service : ServiceConfiguration.SERVICES) {
            ServiceConfiguration configuration = ServiceConfiguration.of(service);
            assertThat(configuration.healthPaths()).as(service).contains("/q/health/live", "/q/health/ready");
            assertThat(configuration.metricsPath()).as(service).isEqualTo("/q/metrics");
            assertThat(configuration.shutdownTimeout()).as(service).isEqualTo(Duration.ofSeconds(30));
            assertThat(configuration.managementInterface()).as(service + " serves them on the management interface").isTrue();
        }
    }

    @Test
    void environmentNamesFollowMicroProfileConfig() {
        assertThat(ServiceConfiguration.environmentName("RAMPART_DB_PASSWORD")).isEqualTo("RAMPART_DB_PASSWORD");
        assertThat(ServiceConfiguration.environmentName("mp.jwt.verify.publickey.location")).isEqualTo("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }
}
