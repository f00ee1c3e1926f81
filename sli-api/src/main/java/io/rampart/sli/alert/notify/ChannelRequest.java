package io.rampart.sli.alert.notify;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of creating (url required) or changing (fields present change) a notification channel. */
@RegisterForReflection
public record ChannelRequest(String name, String url, Boolean enabled) {
}
