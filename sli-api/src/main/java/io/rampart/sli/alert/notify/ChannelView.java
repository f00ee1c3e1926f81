package io.rampart.sli.alert.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/** A notification channel; {@code signingSecret} only in the answer that created it. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelView(String id, String appKey, String name, String url, boolean enabled, Instant createdAt,
        Instant updatedAt, String signingSecret) {
}
