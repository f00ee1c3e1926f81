package io.rampart.sli.registry;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.store.error.Refusal;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The apps' Connect shared secrets (HS256 keys): made here, stored only sealed (app_secret), shown
 * once. A rotation keeps the previous version valid for the configured grace period.
 */
@ApplicationScoped
public class SharedSecretRepository {

    /** 256 bits, as HS256 asks of a key. */

    private final SecretSealer sealer;
    private final Pool pool;
    private final RegistryConfig config;

    public SharedSecretRepository(SecretSealer sealer, Pool pool, RegistryConfig config) {
        this.sealer = sealer;
        this.pool = pool;
        this.config = config;
    }

    /** The answer to a rotation: the new secret (shown only here) and until when the previous one works. */
    @RegisterForReflection
    public record Rotation(String appKey, String sharedSecret, int version, OffsetDateTime previousValidUntil) {
    }

    /** Version 1 of a new app's secret. */
    private static final String INSERT_FIRST = """
            insert into app_secret (app_key, version, key_id, sealed) values ($1, 1, $2, $3)""";

    /** Locks the app's row, so that rotations of one app follow each other. */
    private static final String LOCK_APP = """
            select 1 from app where app_key = $1 for update""";

    /** Deletes the versions whose grace has ended. */
    private static final String DELETE_EXPIRED = """
            delete from app_secret where app_key = $1 and valid_until <= now()""";

    /** Gives the current version $2 seconds of grace; answers its end, if there was one. */
    private static final String END_CURRENT = """
            update app_secret set valid_until = now() + make_interval(secs => $2)
            where app_key = $1 and valid_until is null
            returning valid_until""";

    /** Stores the next version as the current one. */
    private static final String INSERT_NEXT = """
            insert into app_secret (app_key, version, key_id, sealed)
            select $1, coalesce(max(version), 0) + 1, $2, $3 from app_secret where app_key = $1
            returning version""";

    /** Every secret sealed with a key other than the active one ($1), locked for resealing. */
    private static final String LOCK_SEALED_WITH_OTHER_KEYS = """
            select app_key, version, key_id, sealed from app_secret where key_id <> $1 for update""";

    /** One version sealed again. */
    private static final String RESEAL = """
            update app_secret set key_id = $3, sealed = $4 where app_key = $1 and version = $2""";

    /** The answer to a re-seal: how many stored secrets were sealed again with the active key. */
    @RegisterForReflection
    public record Reseal(String activeKeyId, int resealed) {
    }

    /** Stores version 1 of a new app's secret in the caller's transaction; answers the secret. */
    Uni<String> createFirst(SqlClient client, String appKey) {
        String secret = sealer.newSecret();
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        return client.preparedQuery(INSERT_FIRST)
                .execute(Tuple.of(appKey, sealed.keyId(), Buffer.buffer(sealed.bytes())))
                .replaceWith(secret);
    }

    /**
     * Makes a new current version; the previous one stays valid until now + grace, versions whose
     * grace has ended are deleted. The app row is locked so that rotations follow each other.
     */
    public Uni<Rotation> rotate(String appKey) {
        String secret = sealer.newSecret();
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        return pool.withTransaction(connection -> connection
                .preparedQuery(LOCK_APP).execute(Tuple.of(appKey))
                .invoke(rows -> {
                    if (rows.size() == 0) {
                        throw Refusal.notFound("no app " + appKey);
                    }
                })
                .chain(() -> connection.preparedQuery(DELETE_EXPIRED)
                        .execute(Tuple.of(appKey)))
                .chain(() -> connection.preparedQuery(END_CURRENT)
                        .execute(Tuple.of(appKey, (double) config.secretGrace().toSeconds())))
                .chain(previous -> connection.preparedQuery(INSERT_NEXT)
                        .execute(Tuple.of(appKey, sealed.keyId(), Buffer.buffer(sealed.bytes())))
                        .map(inserted -> new Rotation(appKey, secret, inserted.iterator().next().getInteger("version"),
                                previous.size() == 0 ? null : previous.iterator().next().getOffsetDateTime("valid_until")))));
    }

    /**
     * Seals again, with the active key, every stored secret sealed with another one: the last
     * step of a sealing-key rotation (docs/sli-api.md), after which the old key can be removed.
     */
    public Uni<Reseal> resealAll() {
        return pool.withTransaction(connection -> connection
                .preparedQuery(LOCK_SEALED_WITH_OTHER_KEYS)
                .execute(Tuple.of(sealer.activeKeyId()))
                .chain(rows -> {
                    List<Row> stale = StreamSupport.stream(rows.spliterator(), false).toList();
                    return Multi.createFrom().iterable(stale)
                            .onItem().transformToUniAndConcatenate(row -> reseal(connection, row))
                            .collect().asList()
                            .map(done -> new Reseal(sealer.activeKeyId(), done.size()));
                }));
    }

    /** Seals one stored secret again; answers its app key. */
    private Uni<String> reseal(SqlClient client, Row row) {
        String appKey = row.getString("app_key");
        String keyId = row.getString("key_id");
        String secret;
        try {
            secret = sealer.open(appKey, new SecretSealer.Sealed(keyId, row.getBuffer("sealed").getBytes()));
        } catch (IllegalStateException e) {
            throw Refusal.conflict("a secret of " + appKey + " is sealed with key " + keyId
                    + ", which is not configured: add it to RAMPART_SECRETS_PREVIOUS_KEYS");
        }
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        return client.preparedQuery(RESEAL)
                .execute(Tuple.of(appKey, row.getInteger("version"), sealed.keyId(),
                        Buffer.buffer(sealed.bytes())))
                .replaceWith(appKey);
    }
}
