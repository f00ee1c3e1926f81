package io.rampart.ingest.credentials;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.rampart.ingest.config.IngestConfig;
import io.rampart.store.error.Refusal;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads apps and their shared secrets from the registry (owned by sli-api) without blocking, and
 * keeps them for {@code rampart.ingest.credentials.cache-ttl}: a disable or the end of a grace
 * period shows within that time (grace ends are also checked at each request), and a token that
 * fails against an entry older than {@code recheck-after} triggers one fresh look-up, so a
 * rotated-in secret works at once. Concurrent misses for one app share one query.
 */
@ApplicationScoped
public class CredentialRepository {

    /**
     * Whether the app is enabled, and its secrets still valid (the current one, without an end,
     * first): a left join, so that a known app without secrets is told from an unknown one.
     */
    private static final String SELECT_APP = """
            select a.enabled, s.key_id, s.sealed, s.valid_until
            from app a left join app_secret s on s.app_key = a.app_key
                and (s.valid_until is null or s.valid_until > now())
            where a.app_key = $1 order by s.valid_until desc nulls first""";

    /** The registry's rule for app keys: a key outside it was never registered. */
    public static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    private static final Logger LOG = Logger.getLogger(CredentialRepository.class);

    private final Pool pool;
    private final SecretSealer sealer;
    private final Duration recheckAfter;
    private final AsyncCache<String, AppCredentials> cache;

    public CredentialRepository(Pool pool, SecretSealer sealer, IngestConfig config) {
        this.pool = pool;
        this.sealer = sealer;
        this.recheckAfter = config.credentials().recheckAfter();
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(config.credentials().cacheTtl())
                .maximumSize(config.credentials().maxApps())
                .buildAsync();
    }

    /** The app's credentials; an unknown app comes back as not registered. */
    public Uni<AppCredentials> find(String appKey) {
        if (!APP_KEY.matcher(appKey).matches()) {
            // Not asked of the database: a NUL in the key made PostgreSQL fail the look-up, answered 503.
            return Uni.createFrom().item(new AppCredentials(appKey, false, false, List.of(), System.nanoTime()));
        }
        // A failed look-up is dropped from the cache by Caffeine, so the next request tries again.
        return Uni.createFrom().completionStage(() -> cache.get(appKey,
                (key, executor) -> load(key).subscribeAsCompletionStage()));
    }

    /** Looks the app up again if the cached entry is old enough that a rotation may have happened since. */
    /**
     * Refuses a request of several items unless every app they name is registered and enabled;
     * the refusal names the first item of the app. {@code appKeys}: the items' apps, in item order.
     */
    public Uni<Void> requireEnabled(List<String> appKeys) {
        Map<String, Integer> firstIndexOfApp = new LinkedHashMap<>();
        for (int index = 0; index < appKeys.size(); index++) {
            firstIndexOfApp.putIfAbsent(appKeys.get(index), index);
        }
        List<Uni<AppCredentials>> lookups = firstIndexOfApp.keySet().stream().map(this::find).toList();
        return lookups.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(lookups).andFailFast().invoke(apps -> apps.forEach(app -> {
                    int index = firstIndexOfApp.get(app.appKey());
                    if (!app.registered()) {
                        throw Refusal.unknownApp(app.appKey()).atItem(index, "appKey");
                    }
                    if (!app.enabled()) {
                        throw Refusal.appDisabled(app.appKey()).atItem(index, "appKey");
                    }
                })).replaceWithVoid();
    }

    public Uni<AppCredentials> refreshed(AppCredentials stale) {
        if (System.nanoTime() - stale.loadedAtNanos() < recheckAfter.toNanos()) {
            return Uni.createFrom().item(stale);
        }
        cache.synchronous().asMap().remove(stale.appKey());
        return find(stale.appKey());
    }

    private Uni<AppCredentials> load(String appKey) {
        return pool.preparedQuery(SELECT_APP).execute(Tuple.of(appKey)).map(rows -> credentials(appKey, rows))
                .onFailure().transform(e -> {
                    LOG.warnf("the registry entry of %s could not be read: %s", appKey, e.toString());
                    return Refusal.unavailable("the app registry cannot be read right now");
                });
    }

    private AppCredentials credentials(String appKey, RowSet<Row> rows) {
        boolean registered = false;
        boolean enabled = false;
        List<AppCredentials.SharedSecret> secrets = new ArrayList<>();
        for (Row row : rows) {
            registered = true;
            enabled = row.getBoolean("enabled");
            String keyId = row.getString("key_id");
            if (keyId != null) {
                String secret = sealer.open(appKey, new SecretSealer.Sealed(keyId, row.getBuffer("sealed").getBytes()));
                OffsetDateTime validUntil = row.getOffsetDateTime("valid_until");
                secrets.add(new AppCredentials.SharedSecret(secret.getBytes(StandardCharsets.UTF_8),
                        validUntil == null ? null : validUntil.toInstant()));
            }
        }
        return new AppCredentials(appKey, registered, enabled, secrets, System.nanoTime());
    }
}
