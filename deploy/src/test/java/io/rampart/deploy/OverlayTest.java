package io.rampart.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What each overlay promises: dev small and self-contained, prod highly available and scraped. */
class OverlayTest {

    /** superuser_reserved_connections (3) and a few for the operator's and an administrator's own sessions. */
    static final int RESERVED_CONNECTIONS = 13;

    @Test
    void devRunsOneOfEachOnASinglePostgresWithAVolume() {
        Overlay dev = RenderedOverlays.get("dev");
        assertThat(dev.all(Deployment.class)).hasSize(3).allSatisfy(d -> assertThat(d.getSpec().getReplicas()).as(d.getMetadata().getName()).isEqualTo(1));
        assertThat(dev.autoscalers()).isEmpty();
        assertThat(dev.custom("Cluster")).isEmpty();
        assertThat(dev.all(StatefulSet.class)).singleElement().satisfies(postgres -> {
            assertThat(postgres.getSpec().getReplicas()).isEqualTo(1);
            assertThat(postgres.getSpec().getVolumeClaimTemplates()).hasSize(1);
            String claim = postgres.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
            assertThat(postgres.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                    .anySatisfy(mount -> assertThat(mount.getName()).isEqualTo(claim));
        });
    }

    @Test
    void prodRunsTwoOrMoreOfEveryServiceOnAThreeInstanceCluster() {
        Overlay prod = RenderedOverlays.get("prod");
        assertThat(prod.all(StatefulSet.class)).isEmpty();
        assertThat(prod.custom("Cluster")).singleElement().satisfies(cluster ->
                assertThat(Overlay.spec(cluster).path("instances").asInt()).isEqualTo(3));
        assertThat(prod.autoscalers()).extracting(a -> a.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("event-ingest", "sli-api");
        assertThat(prod.all(Deployment.class)).hasSize(3).allSatisfy(d ->
                assertThat(minimumReplicas(prod, d)).as("fewest replicas of " + d.getMetadata().getName()).isGreaterThanOrEqualTo(2));
    }

    @Test
    void prodAcknowledgesACommitOnlyOnceOneStandbyHasItAndWaitsWhenNoneAnswers() {
        Overlay prod = RenderedOverlays.get("prod");
        assertThat(prod.custom("Cluster")).singleElement().satisfies(cluster -> {
            JsonNode synchronous = Overlay.spec(cluster).path("postgresql").path("synchronous");
            assertThat(synchronous.path("method").asText()).as("synchronous.method").isIn("any", "first");
            assertThat(synchronous.path("number").asInt()).as("synchronous.number").isGreaterThanOrEqualTo(1)
                    .isLessThan(Overlay.spec(cluster).path("instances").asInt());
            // "preferred" would fall back to asynchronous commits when no standby answers.
            assertThat(synchronous.path("dataDurability").asText("required")).isEqualTo("required");
            assertThat(Overlay.spec(cluster).path("postgresql").path("parameters").path("synchronous_commit").asText("on"))
                    .as("synchronous_commit").isIn("on", "remote_write", "remote_apply");
        });
        // Writes go to the primary's service, sli-api's read pool to the replicas'.
        assertThat(prod.all(ConfigMap.class)).filteredOn(map -> map.getMetadata().getName().startsWith("rampart-config"))
                .singleElement().satisfies(config -> {
                    assertThat(config.getData()).containsEntry("RAMPART_DB_HOST", "rampart-db-rw");
                    assertThat(config.getData()).containsEntry("RAMPART_DB_READ_HOST", "rampart-db-ro");
                });
    }

    @Test
    void prodScrapesTheMetricsPathOfEveryService() {
        Overlay prod = RenderedOverlays.get("prod");
        List<GenericKubernetesResource> monitors = prod.custom("ServiceMonitor");
        assertThat(monitors).isNotEmpty();
        for (String service : ServiceConfiguration.SERVICES) {
            Service target = prod.service(service).orElseThrow();
            String metricsPath = ServiceConfiguration.of(service).metricsPath();
            assertThat(metricsPath).as(service + " has a Prometheus registry").isNotNull();
            assertThat(monitors).as("a ServiceMonitor scrapes " + service).anySatisfy(monitor -> {
                JsonNode spec = Overlay.spec(monitor);
                Map<String, String> matchLabels = new ObjectMapper().convertValue(spec.path("selector").path("matchLabels"),
                        new TypeReference<Map<String, String>>() { });
                assertThat(Overlay.matches(matchLabels, target.getMetadata().getLabels())).isTrue();
                assertThat(spec.path("endpoints")).anySatisfy(endpoint -> {
                    assertThat(endpoint.path("path").asText()).isEqualTo(metricsPath);
                    // The Service's port of that name leads to the management interface, where the metrics are.
                    Container container = prod.deployment(service).getSpec().getTemplate().getSpec().getContainers().get(0);
                    assertThat(target.getSpec().getPorts()).filteredOn(p -> p.getName().equals(endpoint.path("port").asText()))
                            .singleElement().satisfies(p -> assertThat(Overlay.containerPort(
                                    prod.deployment(service).getSpec().getTemplate().getSpec(), p.getTargetPort()))
                                    .contains(Integer.parseInt(prod.environment(container).get("QUARKUS_MANAGEMENT_PORT"))));
                });
            });
        }
    }

    /** docs/deploy.md applies everything but the services first, by label, then everything. */
    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void theFirstApplyStepSelectsEverythingButTheServices(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        List<HasMetadata> objects = overlay.all(HasMetadata.class);
        assertThat(objects).allSatisfy(object -> assertThat(object.getMetadata().getLabels()).as(object.getKind() + " " + object.getMetadata().getName())
                .containsEntry("app.kubernetes.io/part-of", "rampart"));
        assertThat(objects).filteredOn(object -> "service".equals(object.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .allSatisfy(object -> {
                    assertThat(object.getKind()).isIn("Deployment", "Service");
                    assertThat(ServiceConfiguration.SERVICES).contains(object.getMetadata().getName());
                })
                .hasSize(2 * ServiceConfiguration.SERVICES.size());
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void theDatabaseHostIsTheOverlaysDatabase(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        Container sliApi = overlay.deployment("sli-api").getSpec().getTemplate().getSpec().getContainers().get(0);
        String host = overlay.environment(sliApi).get("RAMPART_DB_HOST");
        Optional<Service> service = overlay.service(host);
        if (service.isPresent()) {
            assertThat(overlay.selected(service.get().getSpec().getSelector())).singleElement()
                    .satisfies(pods -> assertThat(pods.labels()).containsEntry("app.kubernetes.io/component", "database"));
        } else {
            // CloudNativePG makes <cluster>-rw for the primary.
            assertThat(overlay.custom("Cluster")).as(host + " is neither a Service nor a Cluster's -rw service")
                    .anySatisfy(cluster -> assertThat(cluster.getMetadata().getName() + "-rw").isEqualTo(host));
        }
    }

    /**
     * At the most replicas the autoscalers allow, plus the pod each rolling update adds and the
     * migration Job, every pool full: PostgreSQL must accept that many connections.
     */
    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void theDatabaseAcceptsEveryConnectionThePoolsCanOpen(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        int connections = 0;
        for (Deployment deployment : overlay.all(Deployment.class)) {
            int pods = maximumReplicas(overlay, deployment) + surge(deployment);
            connections += pods * poolSize(deployment.getSpec().getTemplate().getSpec().getContainers());
        }
        for (Job job : overlay.all(Job.class)) {
            connections += poolSize(job.getSpec().getTemplate().getSpec().getContainers());
        }
        assertThat(connections + RESERVED_CONNECTIONS).as("connections the pools can open, plus reserved, in " + name)
                .isLessThanOrEqualTo(maxConnections(overlay));
    }

    private static int poolSize(List<Container> containers) {
        return containers.stream().mapToInt(c -> ServiceConfiguration.of(Overlay.service(c).orElseThrow()).maxDatabaseConnections()).sum();
    }

    private static int maxConnections(Overlay overlay) {
        for (GenericKubernetesResource cluster : overlay.custom("Cluster")) {
            return Overlay.spec(cluster).path("postgresql").path("parameters").path("max_connections").asInt(100);
        }
        List<String> arguments = overlay.all(StatefulSet.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        return arguments == null ? 100 : arguments.stream().filter(a -> a.startsWith("max_connections="))
                .map(a -> Integer.parseInt(a.substring("max_connections=".length()))).findFirst().orElse(100);
    }

    private static int minimumReplicas(Overlay overlay, Deployment deployment) {
        return autoscaler(overlay, deployment).map(a -> a.getSpec().getMinReplicas())
                .orElse(deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas());
    }

    private static int maximumReplicas(Overlay overlay, Deployment deployment) {
        return autoscaler(overlay, deployment).map(a -> a.getSpec().getMaxReplicas())
                .orElse(deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas());
    }

    private static int surge(Deployment deployment) {
        IntOrString surge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge();
        assertThat(surge.getIntVal()).as("maxSurge of %s as a number of pods", deployment.getMetadata().getName()).isNotNull();
        return surge.getIntVal();
    }

    private static Optional<HorizontalPodAutoscaler> autoscaler(Overlay overlay, Deployment deployment) {
        return overlay.autoscalers().stream()
                .filter(a -> a.getSpec().getScaleTargetRef().getName().equals(deployment.getMetadata().getName())).findFirst();
    }
}
