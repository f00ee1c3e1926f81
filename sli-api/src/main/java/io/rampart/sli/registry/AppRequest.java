package io.rampart.sli.registry;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/apps} and of {@code PATCH /api/v1/apps/{appKey}}. On PATCH an
 * absent (null) field keeps its value; {@code baseUrls} replaces the whole set, matched by label.
 * {@code syntheticStaleAfterMinutes}: the app's own time for the no-data rule synthetic_checks_stale.
 * {@code availabilityPolicy} and {@code lifecycleScope} left unset (or set to {@code "default"})
 * follow the platform's default. {@code probeLocations} (null: every location with a live prober
 * replica) and {@code quorum} ({@code any}, {@code quorum}, {@code all}) are those of
 * {@code PUT .../probe-locations}, checked by the same rule; on PATCH an absent one is kept, so
 * only that PUT can set the locations back to null.
 */
@RegisterForReflection
public record AppRequest(String appKey, String name, String partnerName, String healthcheckPath,
        List<BaseUrl> baseUrls, Integer checkIntervalSeconds, List<String> products,
        Map<String, Double> sloOverrides, Boolean statusPagePublic, Boolean enabled, Integer syntheticStaleAfterMinutes,
        String availabilityPolicy, String lifecycleScope, List<String> probeLocations, String quorum) {

    /** A PATCH that changes nothing but {@code enabled}. */
    public static AppRequest enabling(boolean enabled) {
        return new AppRequest(null, null, null, null, null, null, null, null, null, enabled, null, null, null, null, null);
    }

    /** A PATCH that changes nothing but the SLO targets. */
    public static AppRequest sloOverriding(Map<String, Double> sloOverrides) {
        return new AppRequest(null, null, null, null, null, null, null, sloOverrides, null, null, null, null, null, null, null);
    }
}
