package io.rampart.ingest.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of every error answer: a stable code and a sentence for people. Invalid items also
 * name their index and field. Never carries a token or a secret.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String detail, Integer index, String field) {

    public ApiError(String error, String detail) {
        this(error, detail, null, null);
    }
}
