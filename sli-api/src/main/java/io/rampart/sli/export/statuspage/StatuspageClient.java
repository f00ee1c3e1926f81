package io.rampart.sli.export.statuspage;

import io.rampart.sli.outgoing.OutgoingHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one batch of metric points: {@code POST {base}/v1/pages/{page}/metrics/data}, through the
 * bounded outgoing client (a few KiB of answer read, no redirect followed, reset on its timeout).
 */
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

    private final OutgoingHttp outgoing;
    private final StatuspageConfig config;

    public StatuspageClient(OutgoingHttp outgoing, StatuspageConfig config) {
        this.outgoing = outgoing;
        this.config = config;
    }

    public Uni<Outcome> send(String apiBaseUrl, String pageId, String apiKey, JsonObject body) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(apiBaseUrl + "/v1/pages/" + URLEncoder.encode(pageId, StandardCharsets.UTF_8)
                        + "/metrics/data")
                .putHeader("Authorization", "OAuth " + apiKey)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Rampart-Statuspage/1");
        return outgoing.send(request, body.toBuffer(), config.requestTimeout())
                .map(answer -> new Outcome(answer.status(), retryAfter(answer.headers().get("Retry-After")), null))
                .onFailure().recoverWithItem(failure ->
                        new Outcome(0, null, "no answer (" + OutgoingHttp.describe(failure) + ")"));
    }

    private static Duration retryAfter(String header) {
        if (header == null || !header.strip().matches("[0-9]{1,6}")) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(header.strip()));
    }
}
