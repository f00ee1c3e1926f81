package io.rampart.store.testing.hostile;

import io.rampart.store.testing.hostile.OpenApiOperations.Operation;
import io.rampart.store.testing.hostile.OpenApiOperations.RequestBody;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The valid values a service's test supplies where its OpenAPI document cannot: an existing app
 * key, a channel id, a URL that passes the checks, the body of an operation declared as raw bytes.
 * A value named for one operation ({@code "PATCH /api/v1/apps/{appKey}"}) wins over one for every
 * operation. Values are suppliers so that each request may get a fresh one (a new app key).
 */
public final class Fixture {

    private final Map<String, Supplier<String>> parameters = new HashMap<>();
    private final Map<String, Supplier<Object>> fields = new HashMap<>();
    private final Map<String, RequestBody> bodies = new HashMap<>();

    /** A path, query or form parameter; a query parameter without one is left out of valid requests. */
    public Fixture parameter(String name, Supplier<String> value) {
        parameters.put(name, value);
        return this;
    }

    /** A JSON body field, at any depth, as a Java value (String, Number, Boolean, List, Map). */
    public Fixture field(String name, Supplier<Object> value) {
        fields.put(name, value);
        return this;
    }

    /** A JSON body field of one operation only. */
    public Fixture field(String operationKey, String name, Supplier<Object> value) {
        fields.put(operationKey + " " + name, value);
        return this;
    }

    /** The body of an operation whose document declares none that can be generated (raw bytes). */
    public Fixture body(String operationKey, RequestBody body) {
        bodies.put(operationKey, body);
        return this;
    }

    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(Supplier::get);
    }

    Optional<Object> field(Operation operation, String name) {
        Supplier<Object> value = fields.getOrDefault(operation.key() + " " + name, fields.get(name));
        return Optional.ofNullable(value).map(Supplier::get);
    }

    /** The operation with the body the test declared for it, if any. */
    Operation declared(Operation operation) {
        RequestBody body = bodies.get(operation.key());
        return body == null ? operation : operation.withBody(body);
    }
}
