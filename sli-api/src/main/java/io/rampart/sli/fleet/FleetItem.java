package io.rampart.sli.fleet;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.indicator.SliEntry;

import java.util.List;

/** One app of the fleet: its SLI entries exactly as its own summary answers them, and its open incidents. */
@RegisterForReflection
public record FleetItem(String appKey, String name, List<SliEntry> slis, long openIncidents) {
}
