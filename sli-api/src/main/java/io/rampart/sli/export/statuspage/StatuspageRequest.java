package io.rampart.sli.export.statuspage;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Map;

/**
 * {@code PUT /api/v1/apps/{appKey}/statuspage}: where to publish the app's SLIs. {@code apiKey} is
 * required the first time and kept when left out later; {@code metrics} maps SLI ids to metric ids.
 */
@RegisterForReflection
public record StatuspageRequest(String apiBaseUrl, String pageId, String apiKey, Map<String, String> metrics) {
}
