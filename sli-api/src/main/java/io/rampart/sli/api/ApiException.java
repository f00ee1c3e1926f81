package io.rampart.sli.api;

import jakarta.ws.rs.core.Response.Status;

/** A refusal with its HTTP status; its detail never carries a token or a secret. */
public class ApiException extends RuntimeException {

    private final Status status;
    private final String error;

    private ApiException(Status status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String field, String why) {
        return new ApiException(Status.BAD_REQUEST, "bad_request", field + ": " + why);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(Status.UNAUTHORIZED, "unauthorized", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(Status.FORBIDDEN, "forbidden", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(Status.NOT_FOUND, "not_found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Status.CONFLICT, "conflict", detail);
    }

    public Status status() {
        return status;
    }

    public ApiError body() {
        return new ApiError(error, getMessage());
    }
}
