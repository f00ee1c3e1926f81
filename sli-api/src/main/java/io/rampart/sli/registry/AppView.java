package io.rampart.sli.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * An app as the registry answers it; {@code sharedSecret} only on creation and rotation;
 * {@code syntheticStaleAfterMinutes} only where the app set its own.
 * {@code availabilityPolicy} and {@code lifecycleScope} only where the app sets its own;
 * {@code probeLocations} always, null meaning every location with a live prober replica.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppView(String appKey, String name, String partnerName, String healthcheckPath,
        int checkIntervalSeconds, List<String> products, Map<String, Double> sloOverrides,
        boolean statusPagePublic, boolean enabled, List<BaseUrl> baseUrls, OffsetDateTime createdAt,
        OffsetDateTime updatedAt, String sharedSecret, Integer syntheticStaleAfterMinutes, String availabilityPolicy,
        String lifecycleScope, @JsonInclude(JsonInclude.Include.ALWAYS) List<String> probeLocations, String quorum) {

    AppView withSharedSecret(String secret) {
        return new AppView(appKey, name, partnerName, healthcheckPath, checkIntervalSeconds, products,
                sloOverrides, statusPagePublic, enabled, baseUrls, createdAt, updatedAt, secret, syntheticStaleAfterMinutes,
                availabilityPolicy, lifecycleScope, probeLocations, quorum);
    }
}
