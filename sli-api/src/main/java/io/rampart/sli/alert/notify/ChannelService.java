package io.rampart.sli.alert.notify;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.alert.AlertConfig;
import io.rampart.sli.api.ApiException;
import io.rampart.sli.api.UnicodeText;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Per-app webhook channels; their signing secrets are stored only sealed. */
@ApplicationScoped
public class ChannelService {

    private static final int MAX_NAME = 100;
    private static final int MAX_URL = 2000;
    private static final String COLUMNS = "id, app_key, name, url, enabled, created_at, updated_at";

    // The app's channels, counted under a lock of the app's row: two creations at once cannot both
    // take the last place (each statement of a READ COMMITTED transaction sees what committed before it).
    private static final String LOCK_APP_COUNT_CHANNELS = """
            select (select count(*) from notification_channel c where c.app_key = a.app_key) as channels
            from app a where a.app_key = $1 for update""";

    // A new channel of the app locked and counted above.
    private static final String INSERT = """
            insert into notification_channel (id, app_key, name, url, enabled, key_id, sealed)
            values ($1, $2, $3, $4, $5, $6, $7)
            returning id, app_key, name, url, enabled, created_at, updated_at""";

    private final Pool pool;
    private final SecretSealer sealer;
    private final int channelsPerApp;

    public ChannelService(Pool pool, SecretSealer sealer, AlertConfig config) {
        this.pool = pool;
        this.sealer = sealer;
        this.channelsPerApp = config.channelsPerApp();
    }

    /** The associated data of a channel's sealed secret: a sealed value copied to another channel does not open. */
    static String sealOwner(UUID channelId) {
        return "notification-channel:" + channelId;
    }

    public Uni<ChannelView> create(String appKey, ChannelRequest request) {
        if (request == null || request.url() == null) {
            throw ApiException.badRequest("url", "required");
        }
        String name = name(request.name() == null ? "webhook" : request.name());
        String url = url(request.url());
        UUID id = UUID.randomUUID();
        String secret = sealer.newSecret();
        SecretSealer.Sealed sealed = sealer.seal(sealOwner(id), secret);
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_APP_COUNT_CHANNELS).execute(Tuple.of(appKey))
                .chain(counted -> {
                    if (counted.size() == 0) {
                        throw ApiException.notFound("no app " + appKey);
                    }
                    if (counted.iterator().next().getLong("channels") >= channelsPerApp) {
                        throw ApiException.badRequest("channels", "an app has at most " + channelsPerApp
                                + " notification channels (RAMPART_ALERTS_CHANNELS_PER_APP); delete one first");
                    }
                    return connection.preparedQuery(INSERT).execute(Tuple.tuple(List.of(id, appKey, name, url, request.enabled() == null || request.enabled(),
                                    sealed.keyId(), Buffer.buffer(sealed.bytes()))));
                })
                .map(rows -> view(rows.iterator().next(), secret)));
    }

    public Uni<List<ChannelView>> list(String appKey) {
        return requireApp(appKey)
                .chain(() -> pool.preparedQuery("select " + COLUMNS + " from notification_channel where app_key = $1"
                        + " order by created_at, id").execute(Tuple.of(appKey)))
                .map(rows -> {
                    List<ChannelView> channels = new java.util.ArrayList<>();
                    rows.forEach(row -> channels.add(view(row, null)));
                    return channels;
                });
    }

    public Uni<ChannelView> get(String appKey, String channelId) {
        return one(appKey, channelId, "select " + COLUMNS + " from notification_channel where app_key = $1 and id = $2",
                Tuple.of(appKey, id(channelId)));
    }

    public Uni<ChannelView> update(String appKey, String channelId, ChannelRequest request) {
        if (request == null) {
            throw ApiException.badRequest("body", "required");
        }
        // updated_at moves only when a value does: a PATCH that changes nothing changes nothing.
        return one(appKey, channelId, "update notification_channel set name = coalesce($3, name), url = coalesce($4, url),"
                        + " enabled = coalesce($5, enabled), updated_at = case when (name, url, enabled) is distinct from"
                        + " (coalesce($3, name), coalesce($4, url), coalesce($5, enabled)) then now() else updated_at end"
                        + " where app_key = $1 and id = $2 returning " + COLUMNS,
                Tuple.of(appKey, id(channelId), request.name() == null ? null : name(request.name()),
                        request.url() == null ? null : url(request.url()), request.enabled()));
    }

    /** Deletes the channel and its delivery records. */
    public Uni<Void> delete(String appKey, String channelId) {
        return one(appKey, channelId, "delete from notification_channel where app_key = $1 and id = $2 returning " + COLUMNS,
                Tuple.of(appKey, id(channelId))).replaceWithVoid();
    }

    /** How many channel secrets a reseal sealed again with the active key. */
    @RegisterForReflection
    public record Reseal(String activeKeyId, int resealed) {
    }

    /**
     * Seals again, with the active key, every channel secret sealed with another one: run with the
     * shared secrets' reseal during a sealing-key rotation (docs/alerts.md).
     */
    public Uni<Reseal> resealAll() {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select id, key_id, sealed from notification_channel where key_id <> $1 for update")
                .execute(Tuple.of(sealer.activeKeyId()))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> {
                            UUID id = row.getUUID("id");
                            String keyId = row.getString("key_id");
                            String secret;
                            try {
                                secret = sealer.open(sealOwner(id), new SecretSealer.Sealed(keyId,
                                        row.getBuffer("sealed").getBytes()));
                            } catch (IllegalStateException e) {
                                throw ApiException.conflict("the signing secret of notification channel " + id
                                        + " is sealed with key " + keyId
                                        + ", which is not configured: add it to RAMPART_SECRETS_PREVIOUS_KEYS");
                            }
                            SecretSealer.Sealed sealed = sealer.seal(sealOwner(id), secret);
                            return connection.preparedQuery("update notification_channel set key_id = $2, sealed = $3"
                                            + " where id = $1")
                                    .execute(Tuple.of(id, sealed.keyId(), Buffer.buffer(sealed.bytes())));
                        })
                        .collect().asList()
                        .map(done -> new Reseal(sealer.activeKeyId(), done.size()))));
    }

    private Uni<ChannelView> one(String appKey, String channelId, String sql, Tuple values) {
        return requireApp(appKey).chain(() -> pool.preparedQuery(sql).execute(values)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("the app " + appKey + " has no notification channel " + channelId);
            }
            return view(rows.iterator().next(), null);
        });
    }

    private Uni<Void> requireApp(String appKey) {
        return pool.preparedQuery("select 1 from app where app_key = $1").execute(Tuple.of(appKey)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("no app " + appKey);
            }
            return null;
        });
    }

    private static UUID id(String channelId) {
        try {
            return UUID.fromString(channelId);
        } catch (IllegalArgumentException e) {
            // Not a channel id, so no such channel: the same answer as an unknown one.
            return new UUID(0, 0);
        }
    }

    private static String name(String name) {
        if (name.isBlank() || name.length() > MAX_NAME || !UnicodeText.storable(name)) {
            throw ApiException.badRequest("name", "1 to " + MAX_NAME + " characters of valid Unicode without the NUL character");
        }
        return name;
    }

    private static String url(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (url.length() > MAX_URL || !UnicodeText.storable(url) || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw ApiException.badRequest("url", "an absolute http(s) URL with a host, without credentials or fragment,"
                        + " at most " + MAX_URL + " characters");
            }
            return url;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url", "not a URL");
        }
    }

    private static ChannelView view(Row row, String signingSecret) {
        return new ChannelView(row.getUUID("id").toString(), row.getString("app_key"), row.getString("name"),
                row.getString("url"), row.getBoolean("enabled"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), signingSecret);
    }
}
