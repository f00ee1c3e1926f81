package io.rampart.deploy;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may talk to whom, read from each rendered overlay's NetworkPolicies. */
class NetworkPolicyTest {

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void everyRampartPodIsClosedUnlessAPolicyOpensIt(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Overlay.Pods pods : overlay.rampartPods()) {
            assertThat(policiesOf(overlay, pods)).as("policies of " + pods.owner()).anySatisfy(policy -> {
                assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
                assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
                assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void onlyEventIngestAndSliApiTakeTrafficFromAnywhere(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        Set<String> open = new HashSet<>();
        for (Overlay.Pods pods : overlay.pods()) {
            for (NetworkPolicy policy : policiesOf(overlay, pods)) {
                for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                    if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                        open.add(pods.owner());
                    }
                }
            }
        }
        assertThat(open).containsExactlyInAnyOrder("Deployment event-ingest", "Deployment sli-api");
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void onlyTheServicesAndTheMigrationJobReachTheDatabase(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        List<Overlay.Pods> database = overlay.pods().stream()
                .filter(pods -> "database".equals(pods.labels().get("app.kubernetes.io/component"))).toList();
        assertThat(database).as("database pods").hasSize(1);
        Set<String> clients = new HashSet<>();
        for (NetworkPolicy policy : policiesOf(overlay, database.get(0))) {
            for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                if (!opens(rule.getPorts(), 5432)) {
                    continue;
                }
                assertThat(rule.getFrom()).as("sources of " + policy.getMetadata().getName()).isNotEmpty();
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
                        overlay.selected(peer.getPodSelector()).forEach(pods -> clients.add(pods.owner()));
                    } else {
                        // Only the CloudNativePG operator's namespace may come from outside (prod).
                        assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "cnpg-system");
                    }
                }
            }
        }
        clients.remove(database.get(0).owner());
        assertThat(clients).containsExactlyInAnyOrder("Deployment healthcheck-prober", "Deployment event-ingest", "Deployment sli-api", "Job rampart-migrate");
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void onlyTheProberAndSliApiReachTheInternetAndNotPrivateOrMetadataAddresses(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        Set<String> internet = new HashSet<>();
        for (Overlay.Pods pods : overlay.rampartPods()) {
            for (NetworkPolicy policy : policiesOf(overlay, pods)) {
                for (NetworkPolicyEgressRule rule : Objects.requireNonNullElse(policy.getSpec().getEgress(), List.<NetworkPolicyEgressRule>of())) {
                    for (NetworkPolicyPeer peer : Objects.requireNonNullElse(rule.getTo(), List.<NetworkPolicyPeer>of())) {
                        if (peer.getIpBlock() != null) {
                            internet.add(pods.owner());
                            assertThat(peer.getIpBlock().getExcept()).contains("169.254.0.0/16", "10.0.0.0/8");
                            // HTTP(S) for both; SMTP submission for sli-api's email channels only.
                            List<Integer> ports = rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList();
                            assertThat(ports.equals(List.of(80, 443)) || pods.owner().equals("Deployment sli-api")
                                    && ports.equals(List.of(587, 465))).as("%s: ports %s", policy.getMetadata().getName(), ports)
                                    .isTrue();
                        }
                    }
                    if (rule.getTo() == null || rule.getTo().isEmpty()) {
                        // A rule to anywhere is for DNS only.
                        assertThat(rule.getPorts()).as(policy.getMetadata().getName()).allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53));
                    }
                }
            }
        }
        // The prober probes health check URLs; sli-api delivers alert webhooks and Statuspage points.
        assertThat(internet).containsExactlyInAnyOrder("Deployment healthcheck-prober", "Deployment sli-api");
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void everyPolicySelectsPodsAndNamesPortsTheyHave(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (NetworkPolicy policy : overlay.networkPolicies()) {
            List<Overlay.Pods> selected = overlay.selected(policy.getSpec().getPodSelector());
            assertThat(selected).as("pods of NetworkPolicy " + policy.getMetadata().getName()).isNotEmpty();
            for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                for (NetworkPolicyPort port : Objects.requireNonNullElse(rule.getPorts(), List.<NetworkPolicyPort>of())) {
                    if (port.getPort().getStrVal() != null) {
                        assertThat(selected).filteredOn(pods -> pods.spec() != null).allSatisfy(pods -> assertThat(Overlay.containerPort(pods.spec(), port.getPort()))
                                .as("%s: port %s on %s", policy.getMetadata().getName(), port.getPort().getStrVal(), pods.owner()).isPresent());
                    }
                }
            }
        }
    }

    private static List<NetworkPolicy> policiesOf(Overlay overlay, Overlay.Pods pods) {
        return overlay.networkPolicies().stream().filter(policy -> Overlay.matches(policy.getSpec().getPodSelector(), pods.labels())).toList();
    }

    private static boolean opens(List<NetworkPolicyPort> ports, int port) {
        return ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> p.getPort() == null || Integer.valueOf(port).equals(p.getPort().getIntVal()));
    }
}
