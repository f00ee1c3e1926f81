package io.rampart.store.testing.hostile;

import io.rampart.store.testing.hostile.HostileRequest.Answer;
import io.restassured.path.json.JsonPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user checks in the answer to a hostile request: a status the OpenAPI document declares for
 * the operation; no 5xx; a refusal in the service's JSON
 * error contract {@code {"error", "detail"}} (HTML on the pages that docs define as HTML); no stack
 * frame, class name, SQL error, JWT or known secret in the body or a header; no header or cookie
 * the request tried to inject.
 */
public final class HostileAnswers {

    /** Stack frames, exception and package names, PostgreSQL's error texts, and JWTs (all start with the base64 of {"). */
    public static final List<String> LEAKS = List.of("Exception", "\tat ", "Caused by", "java.", "javax.", "jakarta.",
            "io.rampart", "io.quarkus", "io.vertx", "io.smallrye", "io.netty", "org.jboss", "org.postgresql", "com.fasterxml",
            "SQLSTATE", "ERROR:", "syntax error at", "violates", "duplicate key", "eyJ");

    /**
     * Refusals the HTTP codec answers before any route, with an empty body: a request line over 4 KiB
     * (414) and headers over 20 KiB (431), Vert.x's limits. There is nothing in them to leak.
     */
    public static final List<Integer> TRANSPORT_REFUSALS = List.of(414, 431);

    private final List<String> secrets;
    private final java.util.regex.Pattern htmlPaths;
    private final String cookieName;

    /**
     * @param secrets        values that must never appear (shared secrets, signing secrets, API keys)
     * @param htmlPaths  a regular expression of the path templates whose answers docs define as HTML
     *                   (e.g. {@code /status/.*|/fleet.*}), or null
     * @param cookieName the one cookie the service may set (on the answers of {@code htmlPaths}), or null
     */
    public HostileAnswers(List<String> secrets, String htmlPaths, String cookieName) {
        this.secrets = List.copyOf(secrets);
        this.htmlPaths = htmlPaths == null ? null : java.util.regex.Pattern.compile(htmlPaths);
        this.cookieName = cookieName;
    }

    /** Whether the answer is a transport-level refusal (see {@link #TRANSPORT_REFUSALS}), or the connection closed by one. */
    public static boolean isTransportRefusal(Answer answer) {
        return (answer.status() == 0 || TRANSPORT_REFUSALS.contains(answer.status())) && answer.body().isEmpty();
    }

    public void check(HostileRequest request, Answer answer) {
        if (answer.status() == 0) {
            assertThat(request.exceedsTransportLimits()).as("connection closed without an answer to %s", request.what()).isTrue();
            return;
        }
        if (!isTransportRefusal(answer)) {
            assertThat(request.operation().statuses()).as("status %d of %s is not among the answers /q/openapi documents"
                    + " for %s (@APIResponse)", answer.status(), request.what(), request.operation()).contains(answer.status());
        }
        check(request.what(), request.operation().path(), answer);
    }

    /** The checks of an answer to {@code what}, a request of an operation with the path template {@code path}. */
    public void check(String what, String path, Answer answer) {
        assertThat(answer.status()).as("status of %s: %s", what, HostileValues.abbreviate(answer.body())).isLessThan(500);
        boolean html = htmlPaths != null && htmlPaths.matcher(path).matches();
        if (answer.status() >= 400 && !isTransportRefusal(answer)) {
            if (html && answer.contentType().startsWith("text/html")) {
                assertThat(answer.body()).as("refusal page of %s", what).contains("<html").doesNotContain("<script>alert(1)");
            } else {
                assertThat(answer.contentType()).as("content type of the refusal (%d) of %s: %s", answer.status(), what,
                        HostileValues.abbreviate(answer.body())).startsWith("application/json");
                JsonPath error = JsonPath.from(answer.body());
                assertThat(error.getString("error")).as("error of %s: %s", what, answer.body()).isNotBlank();
                assertThat(error.getString("detail")).as("detail of %s: %s", what, answer.body()).isNotBlank();
            }
        }
        List<String> forbidden = new ArrayList<>(LEAKS);
        forbidden.addAll(secrets);
        assertThat(answer.body()).as("answer to %s", what).doesNotContain(forbidden);
        for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
            assertThat(header.getKey()).as("header of the answer to %s", what).doesNotContain("injected");
            for (String value : header.getValue()) {
                assertThat(value).as("header %s of the answer to %s", header.getKey(), what).doesNotContain("stolen", "\r", "\n");
                if (header.getKey().equals("set-cookie")) {
                    assertThat(cookieName != null && html && value.startsWith(cookieName + "="))
                            .as("cookie %s set by the answer to %s", HostileValues.abbreviate(value), what).isTrue();
                } else {
                    assertThat(value).as("header %s of the answer to %s", header.getKey(), what).doesNotContain(forbidden);
                }
            }
        }
    }
}
