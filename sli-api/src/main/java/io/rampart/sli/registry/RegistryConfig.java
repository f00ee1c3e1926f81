package io.rampart.sli.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the app registry. */
@ConfigMapping(prefix = "rampart.registry")
public interface RegistryConfig {

    /**
     * How long the previous shared secret stays valid after a rotation, so that every instance
     * of the app can pick up the new one ({@code RAMPART_REGISTRY_SECRET_GRACE}, default 24h).
     */
    @WithDefault("24h")
    Duration secretGrace();
}
