package io.rampart.ingest.connect;

import io.rampart.ingest.config.IngestConfig;
import io.rampart.ingest.credentials.AppCredentials;
import io.rampart.ingest.credentials.CredentialRepository;
import io.rampart.publisher.connect.CanonicalRequest;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.HmacKey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the Connect JWT of a Metric Publish API request: HS256 only (no "none", no RS256, so
 * no key confusion), signed with a shared secret of the app that is valid now (the current one,
 * or a rotated-out one within its grace period), {@code iss} = the app key of the path,
 * {@code iat} and {@code exp} present, 30 s leeway, {@code iat} not in the future, {@code exp - iat}
 * at most {@code rampart.ingest.connect.max-token-lifetime}, and {@code qsh} = the hash of this
 * request. An app that is not registered (or has no secret valid now) is checked like one whose
 * secret the token does not match, so that its answer tells nothing of the registry. Answers never repeat the token or the
 * library's message (which may quote the claims).
 */
@ApplicationScoped
public class ConnectJwtVerifier {

    static final int LEEWAY_SECONDS = 30;
    private static final String QSH_CLAIM = "qsh";

    /**
     * The secret an app without one (not registered, or none valid now) is checked with: it
     * verifies no token. Its verifier, made for the first app key it meets, is shared by all such
     * apps: jose4j fails a token on its signature before it reads a claim, so the key never matters.
     */
    private static final AppCredentials.SharedSecret UNREGISTERED = AppCredentials.SharedSecret.unguessable();

    private final CredentialRepository credentials;
    private final long maxLifetimeSeconds;

    public ConnectJwtVerifier(CredentialRepository credentials, IngestConfig config) {
        this.credentials = credentials;
        this.maxLifetimeSeconds = config.connect().maxTokenLifetime().toSeconds();
    }

    /** The request that the token must be bound to. */
    public record Request(String method, String path, Map<String, List<String>> query) {
    }

    /** Completes when the token may publish for the app; fails with a Refusal (unauthenticated or forbidden) otherwise. */
    public Uni<Void> verify(AppCredentials app, String token, Request request) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(Refusal.unauthenticated(
                    "a Connect JWT is required: Authorization: JWT <token> or ?jwt=<token>"));
        }
        return verifyWith(app, token, request, true);
    }

    private Uni<Void> verifyWith(AppCredentials app, String token, Request request, boolean mayRecheck) {
        InvalidJwtException signatureFailure = null;
        List<AppCredentials.SharedSecret> valid = app.secretsValidAt(Instant.now());
        List<AppCredentials.SharedSecret> secrets = valid.isEmpty() ? List.of(UNREGISTERED) : valid;
        for (AppCredentials.SharedSecret secret : secrets) {
            try {
                JwtContext verified = consumer(app.appKey(), secret).process(token);
                checkLifetime(verified.getJwtClaims());
                checkQueryHash(verified, request);
                return Uni.createFrom().voidItem();
            } catch (InvalidJwtException e) {
                if (!e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return Uni.createFrom().failure(refusal(e));
                }
                signatureFailure = e;
            } catch (Refusal e) {
                return Uni.createFrom().failure(e);
            } catch (MalformedClaimException e) {
                return Uni.createFrom().failure(Refusal.unauthenticated("the token has a malformed claim"));
            }
        }
        String issuer = issuer(signatureFailure);
        if (issuer != null && !issuer.equals(app.appKey())) {
            return otherApp(issuer, app.appKey(), token);
        }
        if (mayRecheck) {
            // Perhaps the secret was rotated since it was cached: look once more before refusing.
            return credentials.refreshed(app).flatMap(fresh -> fresh == app
                    ? Uni.createFrom().failure(badSignature())
                    : verifyWith(fresh, token, request, false));
        }
        return Uni.createFrom().failure(badSignature());
    }

    /** A token that verifies for another app is that app's token on the wrong path: 403; else 401. */
    private Uni<Void> otherApp(String issuer, String pathAppKey, String token) {
        if (!CredentialRepository.APP_KEY.matcher(issuer).matches()) {
            return Uni.createFrom().failure(badSignature());
        }
        return credentials.find(issuer).flatMap(other -> {
            boolean verifies = other.secretsValidAt(Instant.now()).stream().anyMatch(secret -> {
                try {
                    consumer(issuer, secret).process(token);
                    return true;
                } catch (InvalidJwtException e) {
                    return false;
                }
            });
            return Uni.createFrom().failure(verifies
                    ? Refusal.forbidden("the token was issued for the app " + issuer + ", not for " + pathAppKey)
                    : badSignature());
        });
    }

    private static JwtConsumer consumer(String appKey, AppCredentials.SharedSecret secret) {
        return secret.verifier(bytes -> new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setVerificationKey(new HmacKey(bytes))
                // The registry decides how long a shared secret is; jose4j would insist on 256 bits.
                .setRelaxVerificationKeyValidation()
                .setExpectedIssuer(true, appKey)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(LEEWAY_SECONDS)
                // Connect tokens carry no audience; one that does is not refused for it.
                .setSkipDefaultAudienceValidation()
                .build());
    }

    /** A token issued in the future, or for longer than the cap, is refused even though it verifies. */
    private void checkLifetime(JwtClaims claims) throws MalformedClaimException {
        long issuedAt = claims.getIssuedAt().getValue();
        if (issuedAt > NumericDate.now().getValue() + LEEWAY_SECONDS) {
            throw Refusal.unauthenticated("the token's iat is in the future (more than " + LEEWAY_SECONDS
                    + " s ahead of this server's clock)");
        }
        if (claims.getExpirationTime().getValue() - issuedAt > maxLifetimeSeconds) {
            throw Refusal.unauthenticated("the token's lifetime (exp - iat) is longer than " + maxLifetimeSeconds
                    + " s");
        }
    }

    private static void checkQueryHash(JwtContext verified, Request request) {
        Object qsh = verified.getJwtClaims().getClaimValue(QSH_CLAIM);
        if (qsh == null) {
            throw Refusal.unauthenticated("the token has no qsh claim");
        }
        String expected = CanonicalRequest.hash(request.method(), request.path(), request.query());
        if (!Objects.equals(expected, qsh)) {
            throw Refusal.unauthenticated("the token's qsh does not match this request (method, path and query)");
        }
    }

    private static Refusal refusal(InvalidJwtException e) {
        if (e.getJwtContext() != null && !e.getJwtContext().getJoseObjects().isEmpty()
                && !AlgorithmIdentifiers.HMAC_SHA256.equals(e.getJwtContext().getJoseObjects().get(0).getAlgorithmHeaderValue())) {
            return Refusal.unauthenticated("only HS256 tokens signed with the app's shared secret are accepted");
        }
        if (e.hasExpired()) {
            return Refusal.unauthenticated("the token has expired");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return Refusal.unauthenticated("the token has no exp claim");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
            return Refusal.unauthenticated("the token has no iat claim");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return Refusal.unauthenticated("the token's iss must be the app key of the path");
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return Refusal.unauthenticated("the token is not valid yet (nbf)");
        }
        if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return Refusal.unauthenticated("the token has a malformed claim");
        }
        return Refusal.unauthenticated("the token is not a well-formed, verifiable Connect JWT");
    }

    private static Refusal badSignature() {
        return Refusal.unauthenticated("the token's signature does not verify with the app's shared secret");
    }

    private static String issuer(InvalidJwtException e) {
        try {
            return e.getJwtContext() == null ? null : e.getJwtContext().getJwtClaims().getIssuer();
        } catch (MalformedClaimException malformed) {
            return null;
        }
    }
}
