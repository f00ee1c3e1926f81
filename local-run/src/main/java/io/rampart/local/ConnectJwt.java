package io.rampart.local;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Connect JWTs as a vendor's server makes them: HS256 with the app's shared secret, the qsh of the request. */
public final class ConnectJwt {

    private ConnectJwt() {
    }

    /** A token for a request without a query string (the publish API's usual call), valid three minutes. */
    public static String sign(String appKey, String sharedSecret, String method, String path) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(appKey);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(3);
        claims.setClaim("qsh", sha256Hex(method + "&" + path + "&"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(new HmacKey(sharedSecret.getBytes(StandardCharsets.UTF_8)));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a Connect JWT", e);
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
