package io.rampart.store.http;

import io.rampart.store.error.ErrorBody;
import io.rampart.store.error.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Locale;

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

    /**
     * A refusal the framework made before any resource ran (an unknown path, a wrong method, an
     * unreadable body): its status, with the contract's body instead of the framework's own page.
     */
    public static Response framework(Response.StatusType status, String detail) {
        String reason = status.getReasonPhrase();
        return Response.status(status.getStatusCode()).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(reason.toLowerCase(Locale.ROOT).replace(' ', '_'), detail)).build();
    }
}
