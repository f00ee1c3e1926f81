package io.rampart.store.testing.hostile;

import io.rampart.store.testing.hostile.OpenApiOperations.Operation;
import io.restassured.RestAssured;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One request of an operation with at most one hostile part (none for the valid request). It is
 * sent with the JDK's HTTP client rather than RestAssured, so that the bytes on the wire are exactly
 * the generated ones: a percent-escape stays as written, a body is not re-encoded.
 *
 * @param part which part is hostile ({@code path appKey}, {@code query window}, {@code header Accept},
 *             {@code body field baseUrls[0].url}, {@code body}, {@code form token}), or {@code valid}
 * @param value the hostile value as generated (JSON text for a body field)
 * @param query the query parameters, already percent-encoded
 */
public record HostileRequest(Operation operation, String part, String value, String path,
        List<Map.Entry<String, String>> query, Map<String, String> headers, byte[] body) {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** The answer, with its headers by lower-case name. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String contentType() {
            String type = header("content-type");
            return type == null ? "" : type;
        }

        /** The answer RestAssured received, for tests that send their own requests. */
        public static Answer of(io.restassured.response.Response response) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.headers().forEach(header -> headers.computeIfAbsent(header.getName().toLowerCase(java.util.Locale.ROOT),
                    name -> new java.util.ArrayList<>()).add(header.getValue()));
            return new Answer(response.statusCode(), headers, response.asString());
        }
    }

    /** A request written by hand, path and query ({@code name=value}, or null) already encoded: for pinned findings. */
    public static HostileRequest written(Operation operation, String path, String query, Map<String, String> headers, String body) {
        List<Map.Entry<String, String>> parameters = query == null ? List.of()
                : List.of(Map.entry(query.substring(0, query.indexOf('=')), query.substring(query.indexOf('=') + 1)));
        return new HostileRequest(operation, "written", "", path, parameters, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the operation is meant to change something (every method but GET). */
    public boolean mutates() {
        return !operation.method().equals("GET");
    }

    /** Path and query as sent. */
    public String target() {
        return query.isEmpty() ? path
                : path + "?" + query.stream().map(p -> p.getKey() + "=" + p.getValue()).collect(Collectors.joining("&"));
    }

    /** The query as the server decodes it, for signatures over it (Connect's qsh). */
    public Map<String, List<String>> decodedQuery() {
        Map<String, List<String>> decoded = new LinkedHashMap<>();
        query.forEach(p -> decoded.computeIfAbsent(decode(p.getKey()), name -> new java.util.ArrayList<>()).add(decode(p.getValue())));
        return decoded;
    }

    /** Whether the request line is over Vert.x's 4 KiB or the headers over its 20 KiB: refused before any route. */
    public boolean exceedsTransportLimits() {
        return target().length() > 4096 || headers.values().stream().mapToInt(String::length).sum() > 20 * 1024;
    }

    public String what() {
        return operation.key() + " with " + part + (value.isEmpty() ? "" : " = " + HostileValues.abbreviate(value));
    }

    /** Sends it to the application under test, adding {@code credentials} (e.g. Authorization) to its headers. */
    public Answer send(Map<String, String> credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + target()))
                .timeout(Duration.ofSeconds(30))
                .method(operation.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        Map<String, String> all = new LinkedHashMap<>(credentials);
        all.putAll(headers);
        all.forEach(request::header);
        try {
            HttpResponse<String> response = sendOnLiveConnection(request.build());
            Map<String, List<String>> answerHeaders = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> answerHeaders.put(name.toLowerCase(java.util.Locale.ROOT), values));
            return new Answer(response.statusCode(), answerHeaders, response.body());
        } catch (IOException e) {
            if (exceedsTransportLimits()) {
                // The codec refused the request line or headers and closed the connection while the body was still being sent.
                return new Answer(0, Map.of(), "");
            }
            throw new UncheckedIOException("no answer to " + what(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends once more when the answer failed before its first byte on a pooled connection: the
     * server closed that connection after the previous answer and the client reused it before
     * seeing the close. The request reached no route (the next attempt gets a new connection).
     */
    private static HttpResponse<String> sendOnLiveConnection(HttpRequest request) throws IOException, InterruptedException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                throw e;
            }
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }
}
