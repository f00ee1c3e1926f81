package io.rampart.sli.adjustment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * A minute in which {@code failing} of the {@code apps} probed failed availability together:
 * OPEN until an admin confirms it (then {@code adjustmentId} is the platform fault it became) or
 * dismisses it.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SuspectedFault(long id, Instant minute, int failing, int apps, List<String> appKeys, String status,
        Instant openedAt, String decidedBy, Instant decidedAt, Long adjustmentId) {

    /** The words a notification of one of its apps' breaches carries. */
    public String summary() {
        return "suspected platform-wide fault: " + failing + " of " + apps + " apps failing";
    }
}
