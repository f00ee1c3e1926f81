package io.rampart.store.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of every error answer of every service: a stable code and a sentence for people; a
 * refused item of a request also names its index and field, and a refused input its field. Never
 * carries a token or a secret. Absent parts are left out of the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String detail, Integer index, String field) {

    public ErrorBody(String error, String detail) {
        this(error, detail, null, null);
    }
}
