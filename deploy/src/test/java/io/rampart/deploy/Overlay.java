package io.rampart.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** One overlay as kustomize renders it, in the fabric8 model, with the questions the tests ask of it. */
public final class Overlay {

    /** Where Rampart's images live; the last path segment is the service module. */
    public static final String IMAGE_REPOSITORY = "registry.example.com/rampart/";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Pods a workload (or the CloudNativePG operator, for a Cluster) runs: their labels, and their spec where the manifests hold it. */
    public record Pods(String owner, Map<String, String> labels, PodSpec spec) {
    }

    private final String name;
    private final List<HasMetadata> objects;

    private Overlay(String name, List<HasMetadata> objects) {
        this.name = name;
        this.objects = objects;
    }

    public static Overlay render(String name) {
        StrictKubernetesModel model = new StrictKubernetesModel();
        return new Overlay(name, Manifests.render(name).stream().map(manifest -> (HasMetadata) model.load(manifest)).toList());
    }

    public String name() {
        return name;
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(resource -> kind.equals(resource.getKind())).toList();
    }

    public Deployment deployment(String name) {
        return all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name + " in overlay " + this.name));
    }

    public List<Pods> pods() {
        Stream<Pods> deployments = all(Deployment.class).stream().map(d ->
                new Pods("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getTemplate().getSpec()));
        Stream<Pods> statefulSets = all(StatefulSet.class).stream().map(s ->
                new Pods("StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate().getMetadata().getLabels(), s.getSpec().getTemplate().getSpec()));
        Stream<Pods> jobs = all(Job.class).stream().map(j ->
                new Pods("Job " + j.getMetadata().getName(), j.getSpec().getTemplate().getMetadata().getLabels(), j.getSpec().getTemplate().getSpec()));
        Stream<Pods> clusters = custom("Cluster").stream().map(cluster -> {
            Map<String, String> labels = new HashMap<>(stringMap(spec(cluster).path("inheritedMetadata").path("labels")));
            labels.put("cnpg.io/cluster", cluster.getMetadata().getName());
            return new Pods("Cluster " + cluster.getMetadata().getName(), labels, null);
        });
        return Stream.of(deployments, statefulSets, jobs, clusters).flatMap(s -> s).toList();
    }

    /** Pods with a Rampart image: the services and the migration Job. */
    public List<Pods> rampartPods() {
        return pods().stream().filter(pods -> pods.spec() != null
                && pods.spec().getContainers().stream().anyMatch(c -> service(c).isPresent())).toList();
    }

    public List<Pods> selected(LabelSelector selector) {
        return pods().stream().filter(pods -> matches(selector, pods.labels())).toList();
    }

    public List<Pods> selected(Map<String, String> matchLabels) {
        return pods().stream().filter(pods -> matches(matchLabels, pods.labels())).toList();
    }

    public Optional<Service> service(String name) {
        return all(Service.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
    }

    public List<HorizontalPodAutoscaler> autoscalers() {
        return all(HorizontalPodAutoscaler.class);
    }

    public List<PodDisruptionBudget> disruptionBudgets() {
        return all(PodDisruptionBudget.class);
    }

    public List<NetworkPolicy> networkPolicies() {
        return all(NetworkPolicy.class);
    }

    /** The service module a container runs, from its image. */
    public static Optional<String> service(Container container) {
        String image = container.getImage();
        if (image == null || !image.startsWith(IMAGE_REPOSITORY)) {
            return Optional.empty();
        }
        String repository = image.substring(IMAGE_REPOSITORY.length());
        return Optional.of(repository.replaceAll("[:@].*$", ""));
    }

    /**
     * The environment a container gets: its env entries (a value, or "<from secret/key>" for a
     * required reference) over the keys of the ConfigMaps it imports. An optional reference that
     * may be missing does not count as set.
     */
    public Map<String, String> environment(Container container) {
        Map<String, String> environment = new HashMap<>();
        for (EnvFromSource source : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
            if (source.getConfigMapRef() != null) {
                String prefix = Objects.requireNonNullElse(source.getPrefix(), "");
                configMap(source.getConfigMapRef().getName()).ifPresent(map ->
                        Objects.requireNonNullElse(map.getData(), Map.<String, String>of()).forEach((key, value) -> environment.put(prefix + key, value)));
            }
        }
        for (EnvVar variable : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            if (variable.getValue() != null) {
                environment.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                var reference = variable.getValueFrom().getSecretKeyRef();
                if (!Boolean.TRUE.equals(reference.getOptional())) {
                    environment.put(variable.getName(), "<from secret " + reference.getName() + "/" + reference.getKey() + ">");
                }
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getConfigMapKeyRef() != null) {
                var reference = variable.getValueFrom().getConfigMapKeyRef();
                if (!Boolean.TRUE.equals(reference.getOptional())) {
                    environment.put(variable.getName(), "<from configmap " + reference.getName() + "/" + reference.getKey() + ">");
                }
            } else if (variable.getValueFrom() != null) {
                environment.put(variable.getName(), "<from the pod>");
            }
        }
        return environment;
    }

    public Optional<ConfigMap> configMap(String name) {
        return all(ConfigMap.class).stream().filter(map -> map.getMetadata().getName().equals(name)).findFirst();
    }

    /** The container port a probe, Service or policy port names, if there is one. */
    public static Optional<Integer> containerPort(PodSpec spec, IntOrString port) {
        return spec.getContainers().stream().flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream())
                .filter(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst();
    }

    public static JsonNode spec(GenericKubernetesResource resource) {
        return JSON.valueToTree(resource.getAdditionalProperties().get("spec"));
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    public static boolean matches(Map<String, String> matchLabels, Map<String, String> labels) {
        return labels != null && matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Kubernetes' label selector semantics; an empty selector selects everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null && !matches(selector.getMatchLabels(), actual)) {
            return false;
        }
        for (LabelSelectorRequirement requirement : Objects.requireNonNullElse(selector.getMatchExpressions(), List.<LabelSelectorRequirement>of())) {
            String value = actual.get(requirement.getKey());
            boolean holds = switch (requirement.getOperator()) {
                case "In" -> value != null && requirement.getValues().contains(value);
                case "NotIn" -> value == null || !requirement.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
