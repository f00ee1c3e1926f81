package io.rampart.sli.adjustment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/** An adjustment as the API answers it; a withdrawn one carries who withdrew it and when. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdjustmentView(long id, String kind, List<String> appKeys, String product, Instant start, Instant end,
        List<String> slis, List<String> targets, String reason, String reference, Recurrence recurrence,
        String createdBy, Instant createdAt, String withdrawnBy, Instant withdrawnAt) {

    public static final String MAINTENANCE = "maintenance";
    public static final String PLATFORM_FAULT = "platform_fault";
}
