package io.rampart.sli.api;

import io.rampart.store.http.CommonAnswers;

import java.util.List;
import java.util.Map;

/**
 * The answers of sli-api's operations in {@code /q/openapi}, each refusal in the error contract
 * {@code {"error", "detail", "index"?, "field"?}} (docs/sli-api.md). As the OpenAPI filter
 * ({@code mp.openapi.filter}) it declares the refusals every operation can give: 400 for an
 * invalid parameter or header and 503 for an unreachable database everywhere, 401 and 403 on the
 * token-taking {@code /api/} operations. The constants are the texts the resources'
 * {@code @APIResponse} share.
 */
public final class Answers extends CommonAnswers {

    public static final String INVALID = "A parameter, field or header is invalid: the answer names it and says why";
    public static final String UNAUTHENTICATED = "No platform token, or one that fails a check";
    public static final String FORBIDDEN = "The token's group may not do this, or a vendor token of another app";
    public static final String UNKNOWN_APP = "No such app";
    /** An empty or {@code .} last segment names the collection, which does not take this method. */
    public static final String NO_ID = "The path names no item: its last segment is empty or \".\"";
    public static final String NOT_JSON = "The body is not application/json";
    public static final String UNAVAILABLE = "The database is unreachable (restarting or failing over); try again";

    public Answers() {
        super(Map.of("400", INVALID, "503", UNAVAILABLE), List.of("/api/"),
                Map.of("401", UNAUTHENTICATED, "403", FORBIDDEN), Map.of());
    }
}
