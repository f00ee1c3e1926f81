package io.rampart.store.http;

import io.quarkus.security.AuthenticationException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The JSON error contract of DESIGN.md below every service's own mappers, on its API port: a
 * request URI that does not parse (a malformed %-escape such as {@code %zz}) is refused before
 * anything decodes it, and a failure nothing else answered becomes a JSON 500. Neither answer nor
 * log repeats the request, whose path or query may carry a token ({@code ?jwt=} of the Metric
 * Publish API); the framework's own failure handler logs the whole URI with a stack trace.
 */
@ApplicationScoped
public class HttpErrorContract {

    private static final Logger LOG = Logger.getLogger(HttpErrorContract.class);
    /** Read by Quarkus's HTTP recorder when its class loads. */
    private static final String QUARKUS_URI_VALIDATION_OFF = "vertx.disableURIValidation";

    /**
     * Hands the URI check to this contract. Quarkus answers a URI that {@link URI} cannot parse
     * with a bare 400 (no body, outside the error contract) before any route; with its check off,
     * {@link #refuseInvalidUris} makes the same check and answers JSON. Called by each service's
     * main method, before Quarkus starts (the tests' JVMs get the property from surefire).
     */
    public static void takeOverUriValidation() {
        System.setProperty(QUARKUS_URI_VALIDATION_OFF, "true");
    }

    void install(@Observes Router router) {
        // Before every other route: body handling, security and the REST layer all decode the URI.
        router.route().order(Integer.MIN_VALUE).handler(this::refuseInvalidUris);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::answerFailure);
    }

    private void refuseInvalidUris(RoutingContext context) {
        try {
            new URI(context.request().uri());
        } catch (URISyntaxException invalid) {
            answer(context, 400, "bad_request",
                    "the request URI is not valid: a malformed %-escape (% must be followed by two hex digits)"
                            + " or a character a URI may not hold");
            return;
        }
        context.next();
    }

    private void answerFailure(RoutingContext context) {
        Throwable failure = context.failure();
        // Statuses the framework chose (401, 413, ...) and sign-in failures keep their own handling.
        if (failure == null || failure instanceof HttpException || failure instanceof AuthenticationException
                || failure instanceof SecurityException) {
            context.next();
            return;
        }
        // The class only: a message may quote the request or a statement's parameters.
        LOG.errorf("request failed: %s", failure.getClass().getName());
        if (context.response().headWritten()) {
            context.response().reset();
        } else {
            answer(context, 500, "internal_error", "the request could not be completed");
        }
    }

    private static void answer(RoutingContext context, int status, String error, String detail) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", error).put("detail", detail).encode());
    }
}
