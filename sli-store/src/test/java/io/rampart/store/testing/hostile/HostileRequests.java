package io.rampart.store.testing.hostile;

import io.rampart.store.testing.hostile.HostileValues.Json;
import io.rampart.store.testing.hostile.OpenApiOperations.Operation;
import io.rampart.store.testing.hostile.OpenApiOperations.Parameter;
import io.rampart.store.testing.hostile.OpenApiOperations.RequestBody;
import io.rampart.store.testing.hostile.OpenApiOperations.Schema;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * jqwik arbitraries of requests to one OpenAPI operation with exactly one hostile part: a path
 * parameter, a query parameter (declared or not), a header, one field of the body, or the whole
 * body. The other parts are valid: from the {@link Fixture}, else from the schema (enum, example,
 * format, type).
 */
public final class HostileRequests {

    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";

    /** Percent-escapes sent as written: NUL, an overlong NUL, a byte that is never UTF-8, an encoded surrogate, CRLF, traversal. */
    private static final List<String> URI_ESCAPES = List.of("%00", "a%00b", "%C0%80", "%FF", "%ED%A0%80", "%E2%80%AE",
            "%EF%BB%BF", "%E2%80%A8", "%0D%0AX-Injected:%201", "x%0D%0ASet-Cookie:%20rampart=stolen", "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e%2f%2e%2e%2f", "%252e%252e%252f", "..", ".", "%25", "%2F");

    /** Instants at and beyond the edges of what Java and PostgreSQL hold, and ones that do not exist. */
    private static final List<String> EDGE_TIMES = List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "+294277-01-01T00:00:00Z", "-4714-11-23T00:00:00Z", "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+25:00", "1970-01-01T00:00:00Z", "2026-01-01T00:00:00");

    /** Headers any client may send, whose values a careless service might reflect or parse. */
    private static final List<String> HEADERS = List.of("Accept", "Accept-Language", "Accept-Charset", "X-Forwarded-For",
            "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "Cookie", "User-Agent", "Origin", "Referer", "X-Request-Id");

    private HostileRequests() {
    }

    /** The request with every part valid: what each hostile one departs from. */
    public static HostileRequest valid(Operation operation, Fixture fixture) {
        return new Template(fixture.declared(operation), fixture).request("valid", "");
    }

    /** Requests with exactly one hostile part, every part of the operation having its turn. */
    public static Arbitrary<HostileRequest> of(Operation documented, Fixture fixture) {
        Operation operation = fixture.declared(documented);
        Template shape = new Template(operation, fixture);
        List<Arbitrary<HostileRequest>> parts = new ArrayList<>();
        for (Parameter parameter : operation.parameters("path")) {
            parts.add(uriValues(parameter.schema()).map(value -> fresh(operation, fixture)
                    .with(t -> t.path.put(parameter.name(), value.encoded()))
                    .request("path " + parameter.name(), value.shown())));
        }
        for (Parameter parameter : operation.parameters("query")) {
            parts.add(uriValues(parameter.schema()).map(value -> fresh(operation, fixture)
                    .with(t -> t.query.put(parameter.name(), value.encoded()))
                    .request("query " + parameter.name(), value.shown())));
        }
        parts.add(Combinators.combine(uriValues(null), uriValues(null)).as((name, value) ->
                fresh(operation, fixture).with(t -> t.query.put(name.encoded(), value.encoded()))
                        .request("undeclared query parameter", name.shown() + "=" + value.shown())));
        parts.add(Combinators.combine(Arbitraries.of(HEADERS), headerValues()).as((name, value) ->
                fresh(operation, fixture).with(t -> t.headers.put(name, value))
                        .request("header " + name, value)));
        if (shape.json != null) {
            parts.add(Arbitraries.oneOf(contentTypes(), Arbitraries.just(FORM)).map(type ->
                    fresh(operation, fixture).with(t -> t.headers.put("Content-Type", type)).request("header Content-Type", type)));
            for (FieldPath field : fields(shape.json, operation.body().orElseThrow().schema(), "", new ArrayList<>())) {
                parts.add(hostileJson(field.schema()).map(value -> fresh(operation, fixture)
                        .with(t -> t.set(field.segments(), new Json(value)))
                        .request("body field " + field.name(), value)));
            }
            parts.add(Arbitraries.oneOf(HostileValues.malformedJson(HostileValues.json(shape.json)),
                    HostileValues.wrongJsonDocument().map(text -> text.getBytes(StandardCharsets.UTF_8))).map(bytes ->
                    fresh(operation, fixture).with(t -> t.raw = bytes)
                            .request("body", new String(bytes, StandardCharsets.UTF_8))));
        }
        if (shape.form != null) {
            for (String field : shape.form.keySet()) {
                parts.add(uriValues(null).map(value -> fresh(operation, fixture).with(t -> t.form.put(field, value.encoded()))
                        .request("form " + field, value.shown())));
            }
            parts.add(malformedForms().map(bytes -> fresh(operation, fixture).with(t -> t.raw = bytes)
                    .request("body", new String(bytes, StandardCharsets.ISO_8859_1))));
        }
        return Arbitraries.oneOf(parts);
    }

    private static Template fresh(Operation operation, Fixture fixture) {
        return new Template(operation, fixture);
    }

    /** A value for a URI or a form: percent-encoded text, or an escape sent as written. */
    private record UriValue(String encoded, String shown) {
    }

    private static Arbitrary<UriValue> uriValues(Schema schema) {
        Arbitrary<String> texts = Arbitraries.oneOf(HostileValues.text(), Arbitraries.of(EDGE_TIMES),
                Arbitraries.of(HostileValues.HUGE_NUMBERS), Arbitraries.of("abc", "1.5", "-1", "0", "true", "null", "[]", "{}"));
        return Arbitraries.frequencyOf(
                Tuple.of(3, texts.map(text -> new UriValue(encode(text), text))),
                Tuple.of(1, Arbitraries.of(URI_ESCAPES).map(escape -> new UriValue(escape, escape + " (as sent)"))));
    }

    /** Header values as raw bytes: UTF-8 of hostile text read as ISO-8859-1, without the line breaks HTTP cannot carry. */
    private static Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(HostileValues.text(), HostileValues.hugeNumbers(), Arbitraries.of(EDGE_TIMES),
                        Arbitraries.of("Bearer", "Bearer ", "rampart_status=", "rampart_status=eyJ", "*/*;q=999999999999",
                                "text/html;q=0.1, application/json;q=-1", "999.999.999.999", "[::1]:99999", "for=\"_gazonk\""))
                .map(text -> new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                        .replaceAll("[\\x00-\\x08\\x0a-\\x1f\\x7f]", ""));
    }

    private static Arbitrary<String> contentTypes() {
        return Arbitraries.of("text/plain", "application/xml", "application/json; charset=utf-16",
                "application/json; charset=nonsense", "multipart/form-data; boundary=x", "application/octet-stream",
                "application/json; " + "a=b; ".repeat(2000), "");
    }

    private static Arbitrary<byte[]> malformedForms() {
        Arbitrary<String> texts = Arbitraries.of("%", "%zz", "token=%", "token=%G0", "=&=&=", "&&&&", "token", "token==x",
                "token=a&token=b&app=c&app=d", "&".repeat(100_000), "a=" + "b".repeat(100_000), "token=" + "x".repeat(3_000),
                "\u0000=\u0000", "token=%FF%FE%00", "{\"token\": \"x\"}", "");
        Arbitrary<byte[]> notUtf8 = Arbitraries.of(new byte[] {'t', 'o', 'k', 'e', 'n', '=', (byte) 0xFF, (byte) 0xC0},
                new byte[] {'a', 'p', 'p', '=', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        return Arbitraries.oneOf(texts.map(text -> text.getBytes(StandardCharsets.UTF_8)), notUtf8);
    }

    /** A JSON value the schema does not allow, or that tests the edges of what it allows. */
    private static Arbitrary<String> hostileJson(Schema schema) {
        Arbitrary<String> text = HostileValues.text().map(HostileValues::quote);
        String type = schema.type() == null ? "" : schema.type();
        return switch (type) {
            case "integer" -> HostileValues.notAnInteger();
            case "number" -> Arbitraries.oneOf(HostileValues.hugeNumbers(), HostileValues.nested(1, 3),
                    HostileValues.deeplyNested(), text, Arbitraries.of("\"NaN\"", "-1", "0", "true", "{}"));
            case "boolean" -> HostileValues.notABoolean();
            case "array" -> Arbitraries.oneOf(HostileValues.notAString(), text,
                    hostileJson(schema.items() == null ? Schema.of(null) : schema.items()).map(item -> "[" + item + "]"),
                    Arbitraries.of("[null]", "[[]]", "[{}]"));
            case "object" -> Arbitraries.oneOf(HostileValues.notAString().filter(value -> !value.startsWith("{")), text,
                    text.map(key -> "{" + key + ": \"x\"}"), Arbitraries.of("null", "{\"\": null}"));
            default -> Arbitraries.oneOf(text, HostileValues.notAString(), Arbitraries.of("null", HostileValues.quote("")));
        };
    }

    /** A body field: where it is in the body, its name for messages, its schema. */
    private record FieldPath(List<Object> segments, String name, Schema schema) {
    }

    private static List<FieldPath> fields(Object value, Schema schema, String name, List<Object> segments) {
        List<FieldPath> fields = new ArrayList<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> {
                Schema childSchema = schema.properties().getOrDefault((String) key,
                        schema.additionalProperties() == null ? Schema.of(null) : schema.additionalProperties());
                List<Object> path = new ArrayList<>(segments);
                path.add(key);
                String childName = name.isEmpty() ? (String) key : name + "." + key;
                fields.add(new FieldPath(path, childName, childSchema));
                fields.addAll(fields(child, childSchema, childName, path));
            });
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            Schema items = schema.items() == null ? Schema.of(null) : schema.items();
            List<Object> path = new ArrayList<>(segments);
            path.add(0);
            if (!name.isEmpty()) {
                fields.add(new FieldPath(path, name + "[0]", items));
            }
            fields.addAll(fields(list.get(0), items, name + "[0]", path));
        }
        return fields;
    }

    /** Percent-encodes every byte of the UTF-8 text but the unreserved characters of RFC 3986. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** The valid parts of one request, changed in place by one mutation before it becomes a request. */
    private static final class Template {

        private final Operation operation;
        private final Map<String, String> path = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object json;
        private Map<String, String> form;
        private byte[] raw;

        Template(Operation operation, Fixture fixture) {
            this.operation = operation;
            for (Parameter parameter : operation.parameters("path")) {
                path.put(parameter.name(), encode(fixture.parameter(parameter.name()).orElseGet(() -> example(parameter.schema()))));
            }
            for (Parameter parameter : operation.parameters("query")) {
                fixture.parameter(parameter.name()).ifPresent(value -> query.put(parameter.name(), encode(value)));
            }
            operation.body().ifPresent(body -> {
                headers.put("Content-Type", body.mediaType());
                if (body.mediaType().equals(FORM)) {
                    form = new LinkedHashMap<>();
                    body.schema().properties().keySet().forEach(name ->
                            form.put(name, encode(fixture.parameter(name).orElse("x"))));
                } else {
                    json = valid(operation, fixture, body.schema(), null);
                    if (body.mediaType().contains("*")) {
                        headers.put("Content-Type", JSON);
                    }
                }
            });
        }

        Template with(Consumer<Template> change) {
            change.accept(this);
            return this;
        }

        /** Replaces the value at a path of the JSON body. */
        @SuppressWarnings("unchecked")
        void set(List<Object> segments, Object value) {
            Object parent = json;
            for (int i = 0; i < segments.size() - 1; i++) {
                Object segment = segments.get(i);
                parent = segment instanceof Integer index ? ((List<Object>) parent).get(index) : ((Map<String, Object>) parent).get(segment);
            }
            Object last = segments.get(segments.size() - 1);
            if (last instanceof Integer index) {
                ((List<Object>) parent).set(index, value);
            } else {
                ((Map<String, Object>) parent).put((String) last, value);
            }
        }

        HostileRequest request(String part, String value) {
            String target = operation.path();
            for (Map.Entry<String, String> parameter : path.entrySet()) {
                target = target.replace("{" + parameter.getKey() + "}", parameter.getValue());
            }
            byte[] body = raw != null ? raw
                    : json != null ? HostileValues.json(json).getBytes(StandardCharsets.UTF_8)
                    : form != null ? form.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8)
                    : null;
            return new HostileRequest(operation, part, value, target, List.copyOf(query.entrySet()), Map.copyOf(headers), body);
        }
    }

    /** A valid JSON value of the schema: the fixture's for the field, else the schema's enum, example or format. */
    private static Object valid(Operation operation, Fixture fixture, Schema schema, String field) {
        if (field != null) {
            var given = fixture.field(operation, field);
            if (given.isPresent()) {
                return copy(given.get());
            }
        }
        if (!schema.properties().isEmpty()) {
            Map<String, Object> object = new LinkedHashMap<>();
            schema.properties().forEach((name, property) -> object.put(name, valid(operation, fixture, property, name)));
            return object;
        }
        String type = schema.type() == null ? "" : schema.type();
        return switch (type) {
            case "array" -> new ArrayList<>(List.of(valid(operation, fixture, schema.items() == null ? Schema.of(null) : schema.items(), null)));
            case "object" -> new LinkedHashMap<>();
            case "integer" -> schema.examples().isEmpty() ? 1 : schema.examples().get(0);
            case "number" -> schema.examples().isEmpty() ? 1.0 : schema.examples().get(0);
            case "boolean" -> true;
            default -> example(schema);
        };
    }

    /** A text value of a string schema: its first enum value or example, a value of its format, else a word. */
    private static String example(Schema schema) {
        if (!schema.enumValues().isEmpty()) {
            return String.valueOf(schema.enumValues().get(0));
        }
        if (!schema.examples().isEmpty()) {
            return String.valueOf(schema.examples().get(0));
        }
        return "date-time".equals(schema.format()) ? Instant.now().minus(1, ChronoUnit.HOURS).toString() : "valid";
    }

    /** A mutable copy of a fixture value, so that a mutation never changes the fixture's own. */
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, child) -> copy.put((String) key, copy(child)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(HostileRequests::copy).toList());
        }
        return value;
    }
}
