package io.rampart.sli.fleet;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Settings of the fleet answers (docs/fleet.md); defaults in application.properties. */
@ConfigMapping(prefix = "rampart.fleet")
public interface FleetConfig {

    /** How long a ranking's cursor stays valid ({@code RAMPART_FLEET_RANKING_TTL}). */
    Duration rankingTtl();

    /** After how long a first page has the ranking made anew in the background ({@code RAMPART_FLEET_RANKING_REFRESH}). */
    Duration rankingRefresh();

    /** The most apps one page answers ({@code limit}). */
    int maxLimit();

    /** How many apps one page of the fleet page shows ({@code RAMPART_FLEET_PAGE_ROWS}). */
    int pageRows();

    /** How many periods back a breach streak is followed at most. */
    int maxStreakPeriods();
}
