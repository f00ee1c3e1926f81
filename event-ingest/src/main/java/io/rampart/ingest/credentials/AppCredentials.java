package io.rampart.ingest.credentials;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What ingest needs to know of an app: whether it is registered and enabled, and its shared
 * secrets that may still sign tokens (the current one first). Deliberately not a record: its
 * text form must never show a secret.
 */
public final class AppCredentials {

    /**
     * An opened shared secret, the end of its grace period (null for the current one) and the
     * token verifier made from it, kept so that it is not built again for every request.
     */
    public static final class SharedSecret {
        private final byte[] secret;
        private final Instant validUntil;
        private volatile Object verifier;

        SharedSecret(byte[] secret, Instant validUntil) {
            this.secret = secret;
            this.validUntil = validUntil;
        }

        /**
         * A random secret that no token is signed with: it stands in for the secrets of an app that
         * is not registered, so that such an app's tokens fail exactly as a bad token of a real app.
         */
        public static SharedSecret unguessable() {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return new SharedSecret(random, null);
        }

        public byte[] bytes() {
            return secret.clone();
        }

        /** The verifier {@code make} builds from this secret, made once (a race only builds it twice). */
        @SuppressWarnings("unchecked")
        public <V> V verifier(Function<byte[], V> make) {
            Object made = verifier;
            if (made == null) {
                made = make.apply(bytes());
                verifier = made;
            }
            return (V) made;
        }

        public boolean validAt(Instant now) {
            return validUntil == null || validUntil.isAfter(now);
        }

        @Override
        public String toString() {
            return "SharedSecret[validUntil=" + validUntil + "]";
        }
    }

    private final String appKey;
    private final boolean registered;
    private final boolean enabled;
    private final List<SharedSecret> secrets;
    private final long loadedAtNanos;

    AppCredentials(String appKey, boolean registered, boolean enabled, List<SharedSecret> secrets, long loadedAtNanos) {
        this.appKey = appKey;
        this.registered = registered;
        this.enabled = enabled;
        this.secrets = List.copyOf(secrets);
        this.loadedAtNanos = loadedAtNanos;
    }

    public String appKey() {
        return appKey;
    }

    public boolean registered() {
        return registered;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The secrets that may sign a token now, the current one first. */
    public List<SharedSecret> secretsValidAt(Instant now) {
        return secrets.stream().filter(secret -> secret.validAt(now)).toList();
    }

    long loadedAtNanos() {
        return loadedAtNanos;
    }

    @Override
    public String toString() {
        return "AppCredentials[" + appKey + ", registered=" + registered + ", enabled=" + enabled
                + ", secrets=" + secrets.size() + "]";
    }
}
