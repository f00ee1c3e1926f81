package io.rampart.publisher.connect;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A Connect JWT as an app's server makes it: HS256 with the app's shared secret, {@code iss} the
 * app key, {@code iat} and {@code exp}, and {@code qsh} bound to exactly one request.
 */
public final class ConnectJwt {

    /** Long enough for a slow request, short enough that a leaked token is soon worthless. */
    public static final Duration VALIDITY = Duration.ofMinutes(3);

    private ConnectJwt() {
    }

    /**
     * @param path  the request path as sent, without the base URL's context path
     * @param query the decoded query parameters (empty for the publish API's usual call)
     */
    public static String sign(String appKey, String sharedSecret, String method, String path,
            Map<String, List<String>> query, Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(appKey);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(VALIDITY).getEpochSecond()));
        claims.setClaim("qsh", CanonicalRequest.hash(method, path, query));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(sharedSecret.getBytes(StandardCharsets.UTF_8)));
        // The registry decides how long a shared secret is; jose4j would insist on 256 bits.
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a Connect JWT", e);
        }
    }
}
