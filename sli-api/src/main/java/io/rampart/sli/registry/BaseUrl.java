package io.rampart.sli.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One base URL of an app, probed as its own health check target; the label names it (prod, eu, v2). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BaseUrl(String label, String url, Boolean enabled) {
}
