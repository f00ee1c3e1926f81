package io.rampart.sli.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The body of every error answer: a stable code and a sentence that names the field and why. */
@RegisterForReflection
public record ApiError(String error, String detail) {
}
