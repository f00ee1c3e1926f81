package io.rampart.store.secret;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * Keys that seal the apps' shared secrets at rest. Each key is written {@code id:base64} with a
 * 32-byte AES key. To rotate: make the new key {@code key}, move the old one to
 * {@code previous-keys} until every secret has been sealed again (see docs/sli-api.md, "Rotating the sealing key").
 */
@ConfigMapping(prefix = "rampart.secrets")
public interface SecretsConfig {

    /** The key that seals new secrets ({@code RAMPART_SECRETS_KEY}). */
    String key();

    /** Keys that still open secrets sealed before a rotation ({@code RAMPART_SECRETS_PREVIOUS_KEYS}). */
    Optional<List<String>> previousKeys();
}
