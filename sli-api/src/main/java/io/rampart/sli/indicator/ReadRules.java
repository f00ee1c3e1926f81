package io.rampart.sli.indicator;

import io.rampart.store.sli.AvailabilityPolicy;
import io.rampart.store.sli.LifecycleScope;
import io.rampart.store.sli.WebhookPolicy;

/**
 * The rules applied when reading raw outcomes into good and bad (docs/slis.md): each is the
 * answer's query parameter, else the app's registry setting (availability, lifecycle), else the
 * platform default in configuration. Every answer names the rules it used.
 */
public record ReadRules(WebhookPolicy webhook, AvailabilityPolicy availability, LifecycleScope lifecycle) {
}
