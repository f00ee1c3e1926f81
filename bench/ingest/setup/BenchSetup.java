import io.rampart.publisher.connect.CanonicalRequest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.secret.SecretsConfig;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registers the benchmark's app as sli-api would (a row in app, its shared secret sealed in
 * app_secret) and prints a Connect JWT of that app for PUT of its publish path, valid for the
 * run. Run with the event-ingest application's classpath (see bench/ingest/run).
 *
 * Arguments: jdbc-url user password app-key shared-secret sealing-key minutes-valid
 */
public final class BenchSetup {

    public static void main(String... args) throws Exception {
        String jdbcUrl = args[0];
        String appKey = args[3];
        String secret = args[4];
        String sealingKey = args[5];
        int minutesValid = Integer.parseInt(args[6]);

        SecretSealer sealer = new SecretSealer(new SecretsConfig() {
            @Override
            public String key() {
                return sealingKey;
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return Optional.empty();
            }
        });
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, args[1], args[2])) {
            try (PreparedStatement app = connection.prepareStatement(
                    "insert into app (app_key, name) values (?, 'Ingest benchmark') on conflict do nothing")) {
                app.setString(1, appKey);
                app.executeUpdate();
            }
            try (PreparedStatement key = connection.prepareStatement("insert into app_secret (app_key, version, key_id, sealed)"
                    + " values (?, 1, ?, ?) on conflict (app_key, version) do update set key_id = excluded.key_id, sealed = excluded.sealed")) {
                key.setString(1, appKey);
                key.setString(2, sealed.keyId());
                key.setBytes(3, sealed.bytes());
                key.executeUpdate();
            }
        }

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(appKey);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(minutesValid);
        claims.setClaim("qsh", CanonicalRequest.hash("PUT",
                "/rest/atlassian-connect/latest/addons-metrics/" + appKey + "/publish", Map.of()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        System.out.println(jws.getCompactSerialization());
    }
}
