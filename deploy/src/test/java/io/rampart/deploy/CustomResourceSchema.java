package io.rampart.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small explicit schema of a custom resource: the leaf fields deploy/ uses and their types
 * (src/test/resources/custom-resources). The Kubernetes model does not know these kinds, so
 * without it a misspelt field of a Cluster or a ServiceMonitor would pass unseen.
 */
public final class CustomResourceSchema {

    static final List<String> FILES = List.of("cluster.postgresql.cnpg.io.yaml", "servicemonitor.monitoring.coreos.com.yaml");

    private static final Pattern QUANTITY = Pattern.compile("^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|[KMGTPE]i?|[mukn])?$");
    private static final Pattern PROMETHEUS_DURATION = Pattern.compile("^((\\d+)y)?((\\d+)w)?((\\d+)d)?((\\d+)h)?((\\d+)m)?((\\d+)s)?((\\d+)ms)?$");
    private static final List<String> TOP_LEVEL = List.of("apiVersion", "kind", "metadata", "spec");

    private final String apiVersionAndKind;
    private final Map<Pattern, String> fieldTypes;

    CustomResourceSchema(String apiVersionAndKind, Map<String, String> fields) {
        this.apiVersionAndKind = apiVersionAndKind;
        this.fieldTypes = new LinkedHashMap<>();
        fields.forEach((field, type) -> fieldTypes.put(Pattern.compile(Pattern.quote(field)
                .replace("*", "\\E('[^']*'|[^.\\[']+)\\Q")), type));
    }

    /** The schemas by "apiVersion/kind". */
    public static Map<String, CustomResourceSchema> known() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, CustomResourceSchema> schemas = new HashMap<>();
        for (String file : FILES) {
            try (InputStream in = CustomResourceSchema.class.getResourceAsStream("/custom-resources/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("missing custom resource schema " + file);
                }
                JsonNode schema = yaml.readTree(in);
                Map<String, String> fields = new LinkedHashMap<>();
                schema.path("fields").fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().asText()));
                String key = schema.path("apiVersion").asText() + "/" + schema.path("kind").asText();
                schemas.put(key, new CustomResourceSchema(key, fields));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }

    /** Problems of everything outside metadata (the caller checks metadata with the Kubernetes model). */
    public List<String> problems(JsonNode resource) {
        List<String> problems = new ArrayList<>();
        for (Iterator<String> names = resource.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                problems.add("unknown field " + name + " of " + apiVersionAndKind);
            }
        }
        check(resource.path("spec"), "spec", problems);
        return problems;
    }

    private void check(JsonNode node, String path, List<String> problems) {
        if (node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> check(field.getValue(), path + "." + segment(field.getKey()), problems));
            return;
        }
        if (node.isArray()) {
            node.forEach(item -> check(item, path + "[]", problems));
            return;
        }
        String type = typeOf(path);
        if (type == null) {
            problems.add("unknown field " + path + " of " + apiVersionAndKind
                    + " (not in src/test/resources/custom-resources: check the API reference, then add it)");
        } else if (!matches(type, node)) {
            problems.add("wrong type: " + path + " must be " + type + ", is " + node);
        }
    }

    /** A map key such as app.kubernetes.io/name stays one segment of the path. */
    private static String segment(String key) {
        return key.contains(".") ? "'" + key + "'" : key;
    }

    private String typeOf(String path) {
        return fieldTypes.entrySet().stream().filter(entry -> entry.getKey().matcher(path).matches())
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static boolean matches(String type, JsonNode value) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "quantity" -> (value.isTextual() || value.isNumber()) && QUANTITY.matcher(value.asText()).matches();
            case "duration" -> value.isTextual() && !value.asText().isEmpty() && PROMETHEUS_DURATION.matcher(value.asText()).matches();
            default -> throw new IllegalStateException("unknown type " + type + " in a custom resource schema");
        };
    }
}
