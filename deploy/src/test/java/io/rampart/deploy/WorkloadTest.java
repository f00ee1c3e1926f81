package io.rampart.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator checks of each rendered overlay's workloads before applying it. */
class WorkloadTest {

    /**
     * Memory a service JVM uses outside its heap (metaspace, code cache, threads, buffers): measured
     * at 150-160 MiB under load, rounded up (docs/deploy.md).
     */
    static final long NON_HEAP_RESERVE_MIB = 192;

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void workloadSelectorsMatchTheirPodLabels(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        assertThat(overlay.all(Deployment.class)).allSatisfy(d ->
                assertThat(Overlay.matches(d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).as(d.getMetadata().getName()).isTrue());
        assertThat(overlay.all(StatefulSet.class)).allSatisfy(s ->
                assertThat(Overlay.matches(s.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels())).as(s.getMetadata().getName()).isTrue());
        assertThat(overlay.disruptionBudgets()).allSatisfy(budget ->
                assertThat(overlay.selected(budget.getSpec().getSelector())).as("pods of PodDisruptionBudget " + budget.getMetadata().getName()).hasSize(1));
        assertThat(overlay.autoscalers()).allSatisfy(autoscaler ->
                assertThat(overlay.deployment(autoscaler.getSpec().getScaleTargetRef().getName())).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void everyServiceSelectsOneWorkloadAndTargetsItsContainerPorts(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        assertThat(overlay.all(Service.class)).isNotEmpty().allSatisfy(service -> {
            List<Overlay.Pods> pods = overlay.selected(service.getSpec().getSelector());
            assertThat(pods).as("workloads selected by Service " + service.getMetadata().getName()).hasSize(1);
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(Overlay.containerPort(pods.get(0).spec(), port.getTargetPort()))
                        .as("Service %s port %s targets %s", service.getMetadata().getName(), port.getName(), port.getTargetPort()).isPresent();
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void servicesListenOnTheirContainerPortAndProbeThePathsTheyServe(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        assertThat(overlay.all(Deployment.class)).allSatisfy(deployment -> {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                Optional<String> service = Overlay.service(container);
                if (service.isEmpty()) {
                    continue;
                }
                ServiceConfiguration configuration = ServiceConfiguration.of(service.get());
                String port = overlay.environment(container).get("QUARKUS_HTTP_PORT");
                assertThat(container.getPorts()).as(container.getName() + " ports")
                        .anySatisfy(p -> assertThat(p.getContainerPort().toString()).isEqualTo(port));
                // Health checks are on the management interface, a port of its own.
                String managementPort = overlay.environment(container).get("QUARKUS_MANAGEMENT_PORT");
                assertThat(configuration.managementInterface()).as(container.getName() + " management interface").isTrue();
                assertThat(managementPort).as(container.getName() + " QUARKUS_MANAGEMENT_PORT").isNotNull().isNotEqualTo(port);
                assertThat(httpPath(container.getReadinessProbe())).as(container.getName() + " readiness").isEqualTo(configuration.readinessPath());
                assertThat(httpPath(container.getLivenessProbe())).as(container.getName() + " liveness").isEqualTo(configuration.livenessPath());
                if (container.getStartupProbe() != null) {
                    assertThat(configuration.healthPaths()).contains(httpPath(container.getStartupProbe()));
                }
                for (Probe probe : new Probe[] {container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe()}) {
                    if (probe != null) {
                        assertThat(Overlay.containerPort(pod, probe.getHttpGet().getPort())).as(container.getName() + " probe port")
                                .contains(Integer.parseInt(managementPort));
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void everyVariableAServiceNeedsInProdIsSet(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        List<Overlay.Pods> rampartPods = overlay.rampartPods();
        assertThat(rampartPods).extracting(Overlay.Pods::owner).contains("Deployment healthcheck-prober", "Deployment event-ingest",
                "Deployment sli-api", "Job rampart-migrate");
        for (Overlay.Pods pods : rampartPods) {
            for (Container container : pods.spec().getContainers()) {
                Set<String> required = ServiceConfiguration.of(Overlay.service(container).orElseThrow()).requiredEnvironment();
                assertThat(overlay.environment(container)).as("environment of %s in %s", container.getName(), pods.owner())
                        .containsKeys(required.toArray(String[]::new))
                        .containsKeys("RAMPART_DB_HOST", "RAMPART_DB_PORT", "RAMPART_DB_NAME", "RAMPART_DB_USER", "RAMPART_DB_PASSWORD", "RAMPART_DB_MIGRATE");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void thePublicKeyFileIsMountedWhereTheServicesLookForIt(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Deployment deployment : overlay.all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                if (!ServiceConfiguration.of(Overlay.service(container).orElseThrow()).requiredEnvironment().contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
                    continue;
                }
                String location = overlay.environment(container).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").replaceFirst("^file:", "");
                assertThat(container.getVolumeMounts()).as("a volume of %s holds %s", container.getName(), location).anySatisfy(mount -> {
                    assertThat(location).startsWith(mount.getMountPath() + "/");
                    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
                    String file = location.substring(mount.getMountPath().length() + 1);
                    assertThat(volume.getConfigMap().getItems()).anySatisfy(item -> assertThat(item.getPath()).isEqualTo(file));
                });
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void secretsAndConfigMapsTheOperatorCreatesAreDocumented(String name) throws IOException {
        Overlay overlay = RenderedOverlays.get(name);
        String guide = Files.readString(Manifests.PROJECT.resolve("docs/deploy.md"));
        Set<String> external = new HashSet<>();
        for (Overlay.Pods pods : overlay.pods()) {
            if (pods.spec() == null) {
                continue;
            }
            for (Container container : pods.spec().getContainers()) {
                for (EnvVar variable : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
                    if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                        external.add(variable.getValueFrom().getSecretKeyRef().getName());
                        external.add(variable.getValueFrom().getSecretKeyRef().getKey());
                    }
                }
            }
            for (Volume volume : Objects.requireNonNullElse(pods.spec().getVolumes(), List.<Volume>of())) {
                if (volume.getConfigMap() != null && overlay.configMap(volume.getConfigMap().getName()).isEmpty()) {
                    external.add(volume.getConfigMap().getName());
                    volume.getConfigMap().getItems().forEach(item -> external.add(item.getKey()));
                }
            }
        }
        assertThat(external).isNotEmpty().allSatisfy(item -> assertThat(guide).as("docs/deploy.md names " + item).contains(item));
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void servicesDoNotMigrateAndTheJobDoesOnceAndExits(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Deployment deployment : overlay.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                assertThat(overlay.environment(container)).as(container.getName()).containsEntry("RAMPART_DB_MIGRATE", "false");
            }
        }
        List<Job> jobs = overlay.all(Job.class);
        assertThat(jobs).hasSize(1);
        Job job = jobs.get(0);
        Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(overlay.environment(migrate)).containsEntry("RAMPART_DB_MIGRATE", "true").containsEntry("QUARKUS_INIT_AND_EXIT", "true");
        // The Job migrates to the schema of the release the services run.
        assertThat(migrate.getImage()).isEqualTo(overlay.deployment("sli-api").getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isIn("Never", "OnFailure");
        assertThat(job.getSpec().getBackoffLimit()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void everyPodRunsHardened(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Overlay.Pods pods : overlay.pods()) {
            PodSpec pod = pods.spec();
            if (pod == null) {
                continue;
            }
            assertThat(pod.getAutomountServiceAccountToken()).as(pods.owner() + " mounts no service-account token").isFalse();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(pods.owner() + " seccomp").isEqualTo("RuntimeDefault");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(pods.owner() + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(pods.owner() + " runAsUser").isPositive();
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                String what = pods.owner() + " container " + container.getName();
                assertThat(security.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
                assertThat(security.getCapabilities().getDrop()).as(what + " drops").contains("ALL");
                assertThat(security.getCapabilities().getAdd()).as(what + " adds").isNullOrEmpty();
                assertThat(container.getVolumeMounts()).as(what + " has a writable /tmp").anySatisfy(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo("/tmp");
                    assertThat(pod.getVolumes()).anySatisfy(v -> {
                        assertThat(v.getName()).isEqualTo(mount.getName());
                        assertThat(v.getEmptyDir()).isNotNull();
                    });
                });
                assertThat(container.getImage()).as(what + " image is pinned").matches(".+(:[^:/]+|@sha256:[0-9a-f]{64})$").doesNotEndWith(":latest");
                Map<String, Quantity> requests = container.getResources().getRequests();
                Map<String, Quantity> limits = container.getResources().getLimits();
                assertThat(requests).as(what + " requests").containsKeys("cpu", "memory");
                assertThat(limits).as(what + " limits").containsKeys("cpu", "memory");
                assertThat(limits.get("memory").getNumericalAmount()).as(what + " memory limit >= request")
                        .isGreaterThanOrEqualTo(requests.get("memory").getNumericalAmount());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void theHeapAndWhatTheJvmNeedsBesideItFitTheMemoryLimit(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        Pattern maxHeap = Pattern.compile("-Xmx(\\d+)([mg])");
        for (Overlay.Pods pods : overlay.rampartPods()) {
            for (Container container : pods.spec().getContainers()) {
                String options = overlay.environment(container).getOrDefault("JAVA_TOOL_OPTIONS", "");
                Matcher heap = maxHeap.matcher(options);
                assertThat(heap.find()).as(pods.owner() + " sets the heap (-Xmx in JAVA_TOOL_OPTIONS)").isTrue();
                long heapMib = Long.parseLong(heap.group(1)) * (heap.group(2).equals("g") ? 1024 : 1);
                long limitMib = container.getResources().getLimits().get("memory").getNumericalAmount().longValue() / (1024 * 1024);
                assertThat(heapMib + NON_HEAP_RESERVE_MIB).as("%s: heap %d MiB + %d MiB beside it within the %d MiB limit",
                        pods.owner(), heapMib, NON_HEAP_RESERVE_MIB, limitMib).isLessThanOrEqualTo(limitMib);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void shutdownDrainsBeforeTheGracePeriodEnds(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Deployment deployment : overlay.all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                var preStop = container.getLifecycle().getPreStop();
                assertThat(preStop.getSleep()).as(container.getName() + " pauses before SIGTERM so endpoints drain").isNotNull();
                long pause = preStop.getSleep().getSeconds();
                assertThat(pause).isPositive();
                long shutdown = ServiceConfiguration.of(Overlay.service(container).orElseThrow()).shutdownTimeout().toSeconds();
                assertThat(shutdown).as("quarkus.shutdown.timeout of " + container.getName()).isPositive();
                assertThat(pod.getTerminationGracePeriodSeconds()).as("%s: grace period > preStop %d s + shutdown timeout %d s", container.getName(), pause, shutdown)
                        .isGreaterThan(pause + shutdown);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void oneReleaseTagForEveryRampartImage(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        Set<String> tags = new HashSet<>();
        for (Overlay.Pods pods : overlay.rampartPods()) {
            for (Container container : pods.spec().getContainers()) {
                assertThat(ServiceConfiguration.SERVICES).as("image " + container.getImage() + " is a service module").contains(Overlay.service(container).orElseThrow());
                tags.add(container.getImage().substring(container.getImage().lastIndexOf(':') + 1));
            }
        }
        assertThat(tags).hasSize(1);
    }

    /** Where a service's build names its image, it is the name the manifests use. */
    @ParameterizedTest
    @MethodSource("io.rampart.deploy.RenderedOverlays#names")
    void imagesAreTheOnesTheBuildNames(String name) {
        Overlay overlay = RenderedOverlays.get(name);
        for (Overlay.Pods pods : overlay.rampartPods()) {
            for (Container container : pods.spec().getContainers()) {
                String service = Overlay.service(container).orElseThrow();
                String image = container.getImage().replaceAll(":[^:/]+$", "");
                ServiceConfiguration.of(service).containerImage().ifPresent(built ->
                        assertThat(image).as("image of " + service + " in the manifests and in its build").isEqualTo(built));
            }
        }
    }

    private static String httpPath(Probe probe) {
        assertThat(probe).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("an HTTP probe").isNotNull();
        return get.getPath();
    }
}
