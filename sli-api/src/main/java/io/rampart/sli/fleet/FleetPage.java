package io.rampart.sli.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /api/v1/fleet/slis}: a page of apps by error budget left, and the cursor of the next (null on the last). */
@RegisterForReflection
public record FleetPage(Instant from, Instant to, List<FleetItem> items,
        @JsonInclude(JsonInclude.Include.ALWAYS) String next) {
}
