package io.rampart.store.http;

import io.rampart.store.error.Refusal;

/** The HTTP status each kind of {@link Refusal} is answered with, the same in every service. */
public final class RefusalStatus {

    private RefusalStatus() {
    }

    public static int of(Refusal.Kind kind) {
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
}
