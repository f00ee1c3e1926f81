package io.rampart.local;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The platform RS256 key pair of a local run: made on first start, kept under the local folder so
 * that tokens printed once stay valid across restarts.
 */
public final class PlatformKeys {

    public static final String ISSUER = "rampart";
    /** The audience the services verify (MP_JWT_VERIFY_AUDIENCES, default rampart). */
    public static final String AUDIENCE = "rampart";

    private final KeyPair keys;
    private final Path publicKeyFile;

    private PlatformKeys(KeyPair keys, Path publicKeyFile) {
        this.keys = keys;
        this.publicKeyFile = publicKeyFile;
    }

    public static PlatformKeys loadOrCreate(Path directory) throws IOException, GeneralSecurityException {
        Path privateFile = directory.resolve("platform-private.pem");
        Path publicFile = directory.resolve("platform-public.pem");
        if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
            Files.createDirectories(directory);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair generated = generator.generateKeyPair();
            Files.writeString(privateFile, pem("PRIVATE KEY", generated.getPrivate().getEncoded()));
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(publicFile, pem("PUBLIC KEY", generated.getPublic().getEncoded()));
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(unpem(privateFile)));
        PublicKey publicKey = rsa.generatePublic(new X509EncodedKeySpec(unpem(publicFile)));
        return new PlatformKeys(new KeyPair(publicKey, privateKey), publicFile);
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** A platform token for the given group; a vendor token also names the apps it may read. */
    public String token(String subject, String group, List<String> appKeys, Duration validity) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", group);
        if (!appKeys.isEmpty()) {
            claims.setStringListClaim("app_keys", appKeys);
        }
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(validity.toMinutes());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a platform token", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file) throws IOException {
        String body = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
