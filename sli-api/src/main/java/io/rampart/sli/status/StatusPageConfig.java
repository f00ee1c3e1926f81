package io.rampart.sli.status;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The status page's protection against floods (docs/status-page.md): built pages are cached per
 * app and range ({@code RAMPART_STATUS_PAGE_CACHE_TTL}, in application.properties, as Quarkus
 * Cache's setting), and anonymous views are limited per client address.
 */
@ConfigMapping(prefix = "rampart.status-page")
public interface StatusPageConfig {

    /**
     * Anonymous page views one client address may make per window
     * ({@code RAMPART_STATUS_PAGE_ANONYMOUS_VIEWS}, default 60); IPv6 addresses count per /64.
     */
    @WithDefault("60")
    int anonymousViews();

    /** The window of {@link #anonymousViews()} ({@code RAMPART_STATUS_PAGE_ANONYMOUS_WINDOW}, default 1m). */
    @WithDefault("1m")
    Duration anonymousWindow();
}
