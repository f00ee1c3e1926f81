package io.rampart.store.testing;

import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/** Platform JWTs (RS256) for tests, signed with a key pair made once per test JVM. */
public final class PlatformTokens {

    public static final String ISSUER = "rampart";
    private static final KeyPair KEYS = generate();
    private static Path publicKeyFile;

    private PlatformTokens() {
    }

    public static String admin() {
        return token("test-admin", Set.of("admin"), Set.of());
    }

    public static String host() {
        return token("test-host", Set.of("host"), Set.of());
    }

    public static String statuspage() {
        return token("test-statuspage", Set.of("statuspage"), Set.of());
    }

    /** A vendor token that may read only the given apps. */
    public static String vendor(String... appKeys) {
        return token("test-vendor", Set.of("vendor"), Set.of(appKeys));
    }

    public static String token(String subject, Set<String> groups, Set<String> appKeys) {
        return token(subject, groups, appKeys, Duration.ofHours(1));
    }

    /** A token that stays valid for {@code lifetime}. */
    public static String token(String subject, Set<String> groups, Set<String> appKeys, Duration lifetime) {
        var builder = Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(groups)
                .expiresIn(lifetime);
        if (!appKeys.isEmpty()) {
            builder.claim("app_keys", appKeys);
        }
        return builder.jws().keyId("test").sign(KEYS.getPrivate());
    }

    /** A token signed by a key the services do not trust. */
    public static String untrusted(Set<String> groups) {
        return Jwt.issuer(ISSUER).subject("intruder").groups(groups).expiresIn(Duration.ofHours(1))
                .sign(generate().getPrivate());
    }

    /** Settings that make a service verify tokens signed by this class. */
    static synchronized Map<String, String> serviceConfig() {
        if (publicKeyFile == null) {
            try {
                publicKeyFile = Files.createTempFile(Files.createDirectories(Path.of("target")), "platform-", ".pem");
                Files.writeString(publicKeyFile, "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.of("mp.jwt.verify.publickey.location", publicKeyFile.toUri().toString(),
                "mp.jwt.verify.issuer", ISSUER);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
