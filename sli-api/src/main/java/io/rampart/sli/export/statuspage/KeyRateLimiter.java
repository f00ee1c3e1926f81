package io.rampart.sli.export.statuspage;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spaces the requests made with one API key at least {@code min-request-interval} apart, across
 * every app that shares the key. Keys are held only as SHA-256 digests.
 */
@ApplicationScoped
public class KeyRateLimiter {

    private final Map<String, Instant> nextAllowed = new ConcurrentHashMap<>();
    private final Duration interval;

    public KeyRateLimiter(StatuspageConfig config) {
        this.interval = config.minRequestInterval();
    }

    /**
     * Completes when a request with this key may go: at once, or {@code min-request-interval} after
     * the answer to the previous one (counting from the answer keeps the gap at the server too).
     * The exporter sends one request at a time, so no two callers wait for the same turn.
     */
    public Uni<Void> awaitTurn(String apiKey) {
        Instant next = nextAllowed.get(digest(apiKey));
        Duration wait = next == null ? Duration.ZERO : Duration.between(Instant.now(), next);
        return wait.isZero() || wait.isNegative() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
    }

    /** The request with this key got its answer (or gave up waiting for it). */
    public void answered(String apiKey) {
        nextAllowed.put(digest(apiKey), Instant.now().plus(interval));
    }

    private static String digest(String apiKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
