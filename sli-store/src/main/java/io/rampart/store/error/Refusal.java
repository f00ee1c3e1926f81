package io.rampart.store.error;

/**
 * A request refused, in the terms of what went wrong rather than of the protocol that carries the
 * answer: its {@link Kind}, the stable code and sentence of its {@link ErrorBody}, where it is
 * known the item and field it concerns, and, when trying again later may succeed, after how long.
 * Thrown by services, writers, validators and repositories; each service's HTTP layer alone turns
 * it into an answer. Its detail never carries a token or a secret.
 */
public final class Refusal extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The input is not acceptable: a field's value, an item or the whole body. */
        INVALID,
        /** No credential, or one that does not prove who the caller is. */
        UNAUTHENTICATED,
        /** The caller is known but may not do this (or the app may not publish). */
        FORBIDDEN,
        /** What the request names does not exist (or is not the caller's to see). */
        NOT_FOUND,
        /** The request contradicts what is stored. */
        CONFLICT,
        /** The request carries more than is taken at once. */
        TOO_LARGE,
        /** The caller sends faster than it may; it may try again after a while. */
        TOO_MANY_REQUESTS,
        /** The service cannot take the request right now; it may be tried again. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final Integer index;
    private final String field;
    private final Long retryAfterSeconds;

    public Refusal(Kind kind, String code, String detail) {
        this(kind, code, detail, null, null, null);
    }

    private Refusal(Kind kind, String code, String detail, Integer index, String field, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.kind = kind;
        this.code = code;
        this.index = index;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The field's value is not acceptable, and why (a sentence that does not repeat the value). */
    public static Refusal invalid(String field, String why) {
        return new Refusal(Kind.INVALID, "bad_request", field + ": " + why, null, field, null);
    }

    public static Refusal unauthenticated(String detail) {
        return new Refusal(Kind.UNAUTHENTICATED, "unauthorized", detail);
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(Kind.FORBIDDEN, "forbidden", detail);
    }

    public static Refusal notFound(String detail) {
        return new Refusal(Kind.NOT_FOUND, "not_found", detail);
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, "conflict", detail);
    }

    /** No app is registered with the key an ingested event names. */
    public static Refusal unknownApp(String appKey) {
        return new Refusal(Kind.NOT_FOUND, "unknown_app", "no app is registered with the key " + appKey);
    }

    /** The app is registered but disabled: its events are not taken. */
    public static Refusal appDisabled(String appKey) {
        return new Refusal(Kind.FORBIDDEN, "app_disabled", "the app " + appKey + " is disabled: its events are not taken");
    }

    public static Refusal tooLarge(String detail) {
        return new Refusal(Kind.TOO_LARGE, "too_large", detail);
    }

    public static Refusal tooManyRequests(String detail, long retryAfterSeconds) {
        return new Refusal(Kind.TOO_MANY_REQUESTS, "rate_limited", detail, null, null, retryAfterSeconds);
    }

    /** Nothing of the request was kept; it may be tried again in a second. */
    public static Refusal unavailable(String detail) {
        return unavailable(detail, 1);
    }

    /** Nothing of the request was kept; it may be tried again after that many seconds. */
    public static Refusal unavailable(String detail, long retryAfterSeconds) {
        return new Refusal(Kind.UNAVAILABLE, "unavailable", detail, null, null, retryAfterSeconds);
    }

    /** The same refusal, pinned to one item of the request and one of its fields ("" for the whole item). */
    public Refusal atItem(int index, String field) {
        return new Refusal(kind, code, "item " + index + (field.isEmpty() ? "" : ", field " + field) + ": " + getMessage(),
                index, field, retryAfterSeconds);
    }

    public Kind kind() {
        return kind;
    }

    /** The stable code of the answer's {@code error}. */
    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    /** After how many seconds trying again may succeed; null when it would not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The answer's body. */
    public ErrorBody body() {
        return new ErrorBody(code, getMessage(), index, field);
    }
}
