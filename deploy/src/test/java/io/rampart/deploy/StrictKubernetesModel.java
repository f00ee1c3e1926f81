package io.rampart.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Loads manifests into the fabric8 Kubernetes model the way the API server would judge them: a
 * field the model does not know, a value of the wrong type (also a quoted number or an unquoted
 * number where a string belongs) and a kind the model does not know are problems. Custom resources
 * are checked against the explicit schemas of {@link CustomResourceSchema}.
 */
public final class StrictKubernetesModel {

    private final KubernetesSerialization serialization = new KubernetesSerialization(strictMapper(), true);
    private final Map<String, CustomResourceSchema> customResources = CustomResourceSchema.known();

    /** The typed object, or an exception naming what is wrong. */
    public KubernetesResource load(Manifest manifest) {
        List<String> problems = problems(manifest);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": " + String.join("; ", problems));
        }
        return typed(manifest);
    }

    public List<String> problems(Manifest manifest) {
        String apiVersion = manifest.apiVersion();
        String kind = manifest.kind();
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return List.of("apiVersion and kind are required");
        }
        CustomResourceSchema schema = customResources.get(apiVersion + "/" + kind);
        if (schema != null) {
            List<String> problems = new ArrayList<>(schema.problems(manifest.tree()));
            problems.addAll(modelProblems(manifest.tree().path("metadata"), ObjectMeta.class, "metadata"));
            return problems;
        }
        Class<? extends KubernetesResource> type = knownType(apiVersion, kind);
        if (type == null) {
            return List.of("unknown kind " + kind + " of " + apiVersion
                    + " (neither in the Kubernetes model nor among the custom resource schemas)");
        }
        return modelProblems(manifest.tree(), type, "");
    }

    /** The object in the fabric8 model; custom resources come back as GenericKubernetesResource. */
    public KubernetesResource typed(Manifest manifest) {
        Class<? extends KubernetesResource> known = knownType(manifest.apiVersion(), manifest.kind());
        Class<? extends KubernetesResource> type = known == null ? GenericKubernetesResource.class : known;
        return serialization.convertValue(manifest.tree(), type);
    }

    private Class<? extends KubernetesResource> knownType(String apiVersion, String kind) {
        Class<? extends KubernetesResource> type = serialization.getRegisteredKubernetesResource(apiVersion, kind);
        return type == null || GenericKubernetesResource.class.equals(type) ? null : type;
    }

    private List<String> modelProblems(JsonNode tree, Class<?> type, String path) {
        Object typed;
        try {
            typed = serialization.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            return List.of("wrong type: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> problems = new ArrayList<>();
        collectUnknownFields(typed, path, problems);
        collectQuotedScalars(tree, serialization.convertValue(typed, JsonNode.class), path, problems);
        return problems;
    }

    /**
     * The model's Jackson setup turns "80" into 80 where an integer belongs, whatever coercion is
     * configured: a string written that comes back as a number or a boolean was the wrong type.
     */
    private static void collectQuotedScalars(JsonNode written, JsonNode loaded, String path, List<String> problems) {
        if (loaded == null || loaded.isMissingNode()) {
            return;
        }
        if (written.isObject()) {
            written.fields().forEachRemaining(field -> collectQuotedScalars(field.getValue(), loaded.get(field.getKey()),
                    path.isEmpty() ? field.getKey() : path + "." + field.getKey(), problems));
        } else if (written.isArray()) {
            for (int i = 0; i < written.size(); i++) {
                collectQuotedScalars(written.get(i), loaded.get(i), path + "[" + i + "]", problems);
            }
        } else if (written.isTextual() && (loaded.isNumber() || loaded.isBoolean())) {
            problems.add("wrong type: " + path + " is the string " + written + ", must be a " + (loaded.isNumber() ? "number" : "boolean"));
        }
    }

    /** Fields the model does not know land in additionalProperties of the object that holds them. */
    private static void collectUnknownFields(Object value, String path, List<String> problems) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, problems));
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + index++ + "]", problems);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        // Fields, not getters: some getters compute (Quantity#getNumericalAmount) rather than read.
        for (Class<?> type = value.getClass(); type.getName().startsWith("io.fabric8."); type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object property = read(field, value);
                if (field.getName().equals("additionalProperties")) {
                    if (property instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                        unknown.keySet().forEach(key -> problems.add("unknown field " + (path.isEmpty() ? "" : path + ".") + key));
                    }
                } else {
                    collectUnknownFields(property, path.isEmpty() ? field.getName() : path + "." + field.getName(), problems);
                }
            }
        }
    }

    private static Object read(Field field, Object target) {
        try {
            field.setAccessible(true);
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        // The API server refuses 5432 where a string belongs (a quoted number where a number
        // belongs is found by collectQuotedScalars).
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }
}
