package io.rampart.store.http;

import io.rampart.store.error.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * How every service answers a {@link Refusal} over HTTP: the status of its kind, its JSON
 * {@link io.rampart.store.error.ErrorBody} and, when it names one, {@code Retry-After}. Only a
 * service's HTTP layer (its {@code api} package and {@code *Resource} classes) uses it.
 */
public final class RefusalAnswer {

    private RefusalAnswer() {
    }

    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case TOO_MANY_REQUESTS -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    public static Response of(Refusal refusal) {
        Response.ResponseBuilder answer = Response.status(status(refusal.kind())).type(MediaType.APPLICATION_JSON)
                .entity(refusal.body());
        if (refusal.retryAfterSeconds() != null) {
            answer.header("Retry-After", refusal.retryAfterSeconds());
        }
        return answer.build();
    }
}
