package io.rampart.sli.statuspage;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends one batch of metric points: {@code POST {base}/v1/pages/{page}/metrics/data}. */
@ApplicationScoped
public class StatuspageClient {

    /** The answer: the HTTP status (0 when no answer came), Retry-After if given, a failure description. */
    public record Outcome(int status, Duration retryAfter, String failure) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }

        /** 420 and 429 are Statuspage's rate limit answers. */
        boolean throttled() {
            return status == 420 || status == 429;
        }

        /** What the API shows as the last error: never the key, nor the body the server answered. */
        String description() {
            return status == 0 ? failure : "HTTP " + status + (throttled() ? " (rate limited)" : "");
        }
    }

    private final WebClient client;
    private final StatuspageConfig config;

    public StatuspageClient(Vertx vertx, StatuspageConfig config) {
        this.client = WebClient.create(vertx);
        this.config = config;
    }

    public Uni<Outcome> send(String apiBaseUrl, String pageId, String apiKey, JsonObject body) {
        return client.postAbs(apiBaseUrl + "/v1/pages/" + URLEncoder.encode(pageId, StandardCharsets.UTF_8)
                        + "/metrics/data")
                .putHeader("Authorization", "OAuth " + apiKey)
                .timeout(config.requestTimeout().toMillis())
                .sendJsonObject(body)
                .map(response -> new Outcome(response.statusCode(), retryAfter(response.getHeader("Retry-After")), null))
                .onFailure().recoverWithItem(failure ->
                        new Outcome(0, null, "no answer (" + failure.getClass().getSimpleName() + ")"));
    }

    private static Duration retryAfter(String header) {
        if (header == null || !header.strip().matches("[0-9]{1,6}")) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(header.strip()));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
