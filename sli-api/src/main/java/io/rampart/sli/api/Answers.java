package io.rampart.sli.api;

/**
 * The descriptions of the answers the resources declare with {@code @APIResponse}, so that
 * {@code /q/openapi} documents every status an operation gives, each refusal in the error
 * contract {@code {"error", "detail", "index"?, "field"?}} (docs/sli-api.md).
 */
public final class Answers {

    public static final String INVALID = "A parameter, field or header is invalid: the answer names it and says why";
    public static final String UNAUTHENTICATED = "No platform token, or one that fails a check";
    public static final String FORBIDDEN = "The token's group may not do this, or a vendor token of another app";
    public static final String UNKNOWN_APP = "No such app";
    /** An empty or {@code .} last segment names the collection, which does not take this method. */
    public static final String NO_ID = "The path names no item: its last segment is empty or \".\"";
    public static final String NOT_JSON = "The body is not application/json";
    public static final String UNAVAILABLE = "The database is unreachable (restarting or failing over); try again";

    private Answers() {
    }
}
