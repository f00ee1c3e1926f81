package io.rampart.store.testing.hostile;

import io.restassured.path.json.JsonPath;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;

/**
 * Every operation of a service's OpenAPI document ({@code /q/openapi?format=json}): method, path
 * template, parameters, request body (media type and schema, {@code $ref}s resolved) and the groups
 * its security requirement names.
 */
public final class OpenApiOperations {

    /** A schema with its references resolved: what the generator needs of it. */
    public record Schema(String type, String format, List<Object> enumValues, List<Object> examples,
            Map<String, Schema> properties, Schema items, Schema additionalProperties) {

        public static Schema of(String type) {
            return new Schema(type, null, List.of(), List.of(), Map.of(), null, null);
        }

        public static Schema object(Map<String, Schema> properties) {
            return new Schema("object", null, List.of(), List.of(), properties, null, null);
        }

        public static Schema arrayOf(Schema items) {
            return new Schema("array", null, List.of(), List.of(), Map.of(), items, null);
        }

        public static Schema enumOf(String... values) {
            return new Schema("string", null, List.of((Object[]) values), List.of(), Map.of(), null, null);
        }

        public static Schema string(String format) {
            return new Schema("string", format, List.of(), List.of(), Map.of(), null, null);
        }
    }

    public record Parameter(String name, String in, Schema schema, boolean required) {
    }

    public record RequestBody(String mediaType, Schema schema) {
    }

    /** An operation; {@code statuses} are the answers its document declares ({@code @APIResponse}). */
    public record Operation(String method, String path, List<Parameter> parameters, Optional<RequestBody> body,
            Set<String> groups, Set<Integer> statuses) {

        /** {@code METHOD /path/{template}}, as tests name an operation. */
        public String key() {
            return method + " " + path;
        }

        public List<Parameter> parameters(String in) {
            return parameters.stream().filter(parameter -> parameter.in().equals(in)).toList();
        }

        /** The same operation with the body a test declares, for one the document declares as raw bytes. */
        public Operation withBody(RequestBody declared) {
            return new Operation(method, path, parameters, Optional.of(declared), groups, statuses);
        }

        @Override
        public String toString() {
            return key();
        }
    }

    private final Map<String, Object> document;
    private final List<Operation> operations = new ArrayList<>();

    private OpenApiOperations(Map<String, Object> document) {
        this.document = document;
        Map<String, Map<String, Object>> paths = map(document.get("paths"));
        paths.forEach((path, methods) -> methods.forEach((method, operation) ->
                operations.add(operation(method.toUpperCase(Locale.ROOT), path, map(operation)))));
    }

    /** The document the running service (the {@code @QuarkusTest}'s application) publishes. */
    public static OpenApiOperations ofRunningService() {
        String json = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().asString();
        return new OpenApiOperations(JsonPath.from(json).getMap("$"));
    }

    public List<Operation> all() {
        return List.copyOf(operations);
    }

    public Operation get(String key) {
        return operations.stream().filter(operation -> operation.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the OpenAPI document has no operation " + key));
    }

    public Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        operations.forEach(operation -> keys.add(operation.key()));
        return keys;
    }

    private Operation operation(String method, String path, Map<String, Object> operation) {
        List<Parameter> parameters = new ArrayList<>();
        for (Object declared : list(operation.get("parameters"))) {
            Map<String, Object> parameter = map(declared);
            parameters.add(new Parameter((String) parameter.get("name"), (String) parameter.get("in"),
                    schema(parameter.get("schema"), 0), Boolean.TRUE.equals(parameter.get("required"))));
        }
        Optional<RequestBody> body = Optional.empty();
        Map<String, Object> requestBody = map(operation.get("requestBody"));
        Map<String, Object> content = map(requestBody.get("content"));
        if (!content.isEmpty()) {
            Map.Entry<String, Object> first = content.entrySet().iterator().next();
            body = Optional.of(new RequestBody(first.getKey(), schema(map(first.getValue()).get("schema"), 0)));
        }
        Set<String> groups = new TreeSet<>();
        for (Object requirement : list(operation.get("security"))) {
            map(requirement).values().forEach(scopes -> list(scopes).forEach(scope -> groups.add((String) scope)));
        }
        Set<Integer> statuses = new TreeSet<>();
        map(operation.get("responses")).keySet().stream().filter(code -> code.matches("\\d{3}"))
                .forEach(code -> statuses.add(Integer.parseInt(code)));
        return new Operation(method, path, List.copyOf(parameters), body, groups, statuses);
    }

    private Schema schema(Object declared, int depth) {
        Map<String, Object> schema = map(declared);
        if (schema.isEmpty() || depth > 20) {
            return Schema.of(null);
        }
        if (schema.get("$ref") instanceof String ref) {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            return schema(map(map(map(document.get("components")).get("schemas")).get(name)), depth + 1);
        }
        Map<String, Schema> properties = new LinkedHashMap<>();
        map(schema.get("properties")).forEach((name, property) -> properties.put(name, schema(property, depth + 1)));
        List<Object> examples = new ArrayList<>(list(schema.get("examples")));
        if (schema.containsKey("example")) {
            examples.add(schema.get("example"));
        }
        return new Schema((String) schema.get("type"), (String) schema.get("format"), List.copyOf(list(schema.get("enum"))),
                List.copyOf(examples), properties, schema.containsKey("items") ? schema(schema.get("items"), depth + 1) : null,
                schema.get("additionalProperties") instanceof Map<?, ?> values ? schema(values, depth + 1) : null);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, V>) map : Map.of();
    }

    private static Collection<Object> list(Object value) {
        return value instanceof List<?> list ? new ArrayList<>(list) : List.of();
    }
}
