package io.rampart.sli.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.certificate.TargetCertificate;

/**
 * A health check target as {@code GET .../targets} answers it: its base URL and, for https, the
 * certificate it presented at its latest probe (absent until one was seen).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetView(String label, String url, Boolean enabled, TargetCertificate certificate) {
}
