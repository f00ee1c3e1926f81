package io.rampart.ingest.support;

import io.rampart.publisher.connect.CanonicalRequest;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Map;
import java.util.function.Consumer;

/** Connect JWTs as a vendor's app makes them, and the broken ones that must be refused. */
public final class ConnectTokens {

    private ConnectTokens() {
    }

    public static String publishPath(String appKey) {
        return "/rest/atlassian-connect/latest/addons-metrics/" + appKey + "/publish";
    }

    /** A valid token of {@code appKey} for {@code PUT} of its publish path with no query. */
    public static String publish(String appKey, String secret) {
        return publish(appKey, secret, claims -> {
        });
    }

    /** A publish token whose claims {@code change} alters after the valid ones are set. */
    public static String publish(String appKey, String secret, Consumer<JwtClaims> change) {
        JwtClaims claims = validClaims(appKey, CanonicalRequest.hash("PUT", publishPath(appKey), Map.of()));
        change.accept(claims);
        return sign(claims, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
    }

    public static JwtClaims validClaims(String issuer, String qsh) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(3);
        claims.setClaim("qsh", qsh);
        return claims;
    }

    public static String sign(JwtClaims claims, String algorithm, Key key) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setHeader("typ", "JWT");
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        if (AlgorithmIdentifiers.NONE.equals(algorithm)) {
            jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seconds since the epoch, shifted: for exp and iat in the past. */
    public static NumericDate secondsFromNow(long seconds) {
        NumericDate date = NumericDate.now();
        date.addSeconds(seconds);
        return date;
    }
}
