package io.rampart.ingest.api;

/** A refused request: its HTTP status, error body and, for 429 and 503, when to try again. */
public class ApiException extends RuntimeException {

    private final int status;
    private final ApiError body;
    private final Long retryAfterSeconds;

    public ApiException(int status, ApiError body, Long retryAfterSeconds) {
        super(body.error() + ": " + body.detail(), null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(int status, String error, String detail) {
        this(status, new ApiError(error, detail), null);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail);
    }

    public static ApiException unknownApp(String appKey) {
        return new ApiException(404, "unknown_app", "no app is registered with the key " + appKey);
    }

    public static ApiException appDisabled(String appKey) {
        return new ApiException(403, "app_disabled", "the app " + appKey + " is disabled: its events are not taken");
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "too_large", detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(503, new ApiError("unavailable", detail), 1L);
    }

    /** The same refusal, pinned to one item of the request and one of its fields (or the whole item). */
    public ApiException atItem(int index, String field) {
        return new ApiException(status, new ApiError(body.error(), "item " + index
                + (field.isEmpty() ? "" : ", field " + field) + ": " + body.detail(), index, field), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public ApiError body() {
        return body;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
