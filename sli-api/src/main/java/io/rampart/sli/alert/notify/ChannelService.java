package io.rampart.sli.alert.notify;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.alert.AlertConfig;
import io.rampart.sli.api.UnicodeText;
import io.rampart.store.error.Refusal;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Per-app notification channels of every type; their credentials are stored only sealed and never
 * answered (a webhook's signing secret once, at creation).
 */
@ApplicationScoped
public class ChannelService {

    static final int MAX_ADDRESSES = 10;
    static final int MAX_RULES = 50;
    static final int MAX_REMINDER_HOURS = 168;
    private static final int MAX_NAME = 100;
    private static final int MAX_URL = 2000;
    private static final int MAX_RULE = 200;
    private static final int MAX_ADDRESS = 254;
    private static final Set<String> SEVERITIES = Set.of("page", "ticket");
    private static final Set<String> REGIONS = Set.of("us", OpsgenieSender.EU);
    /** An address as mail servers take it: dot-atom local part, a domain of LDH labels with at least one dot. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    /** Routing keys and API keys: printable ASCII without spaces. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private final ChannelRepository channels;
    private final SecretSealer sealer;
    private final Senders senders;
    private final int failingAfter;
    private final int channelsPerApp;

    public ChannelService(ChannelRepository channels, SecretSealer sealer, Senders senders, AlertConfig config) {
        this.channels = channels;
        this.sealer = sealer;
        this.senders = senders;
        this.failingAfter = config.delivery().failingAfter();
        this.channelsPerApp = config.channelsPerApp();
    }

    /** The associated data of a channel's sealed credential: a sealed value copied to another channel does not open. */
    static String sealOwner(UUID channelId) {
        return "notification-channel:" + channelId;
    }

    /** A channel's settings as stored, the credential apart. */
    private record Settings(String name, String url, boolean enabled, JsonObject settings, String[] rules,
            String[] severities, Integer reminderEveryHours, boolean sendResolved, LocalTime quietStart,
            LocalTime quietEnd, String quietZone) {
    }

    public Uni<ChannelView> create(String appKey, ChannelRequest request) {
        if (request == null) {
            throw Refusal.invalid("body", "required");
        }
        ChannelType type = request.type() == null ? ChannelType.WEBHOOK : ChannelType.of(request.type());
        if (type == null) {
            throw Refusal.invalid("type", "one of " + ChannelType.names());
        }
        refuseFieldsOfOtherTypes(type, request);
        String credential = switch (type) {
            case WEBHOOK -> sealer.newSecret();
            case EMAIL -> null;
            case SLACK -> url("webhookUrl", required("webhookUrl", request.webhookUrl()));
            case PAGERDUTY -> key("routingKey", required("routingKey", request.routingKey()));
            case OPSGENIE -> key("apiKey", required("apiKey", request.apiKey()));
        };
        Settings settings = new Settings(name(request.name() == null ? type.wire() : request.name()),
                type == ChannelType.WEBHOOK ? url("url", required("url", request.url())) : null,
                request.enabled() == null || request.enabled(),
                typeSettings(type, request, new JsonObject()), list("rules", request.rules()),
                severities(request.severities()), reminder(request.reminderEveryHours()),
                request.sendResolved() == null || request.sendResolved(), null, null, null);
        settings = withQuietHours(settings, request.quietHours());
        UUID id = UUID.randomUUID();
        SecretSealer.Sealed sealed = credential == null ? null : sealer.seal(sealOwner(id), credential);
        Tuple values = Tuple.tuple(new ArrayList<>(Arrays.asList(id, appKey, type.wire(), settings.name(), settings.url(),
                settings.enabled(), sealed == null ? null : sealed.keyId(),
                sealed == null ? null : Buffer.buffer(sealed.bytes()), settings.settings(), settings.rules(),
                settings.severities(), settings.reminderEveryHours(), settings.sendResolved(), settings.quietStart(),
                settings.quietEnd(), settings.quietZone())));
        return channels.pool().withTransaction(connection -> ChannelRepository
                .execute(connection, ChannelRepository.LOCK_APP_COUNT_CHANNELS, Tuple.of(appKey))
                .chain(counted -> {
                    if (counted.size() == 0) {
                        throw Refusal.notFound("no app " + appKey);
                    }
                    if (counted.iterator().next().getLong("channels") >= channelsPerApp) {
                        throw Refusal.invalid("channels", "an app has at most " + channelsPerApp
                                + " notification channels (RAMPART_ALERTS_CHANNELS_PER_APP); delete one first");
                    }
                    return ChannelRepository.execute(connection, ChannelRepository.INSERT, values);
                })
                .map(rows -> view(rows.iterator().next(), type == ChannelType.WEBHOOK ? credential : null)));
    }

    public Uni<List<ChannelView>> list(String appKey) {
        return requireApp(appKey)
                .chain(() -> channels.execute(ChannelRepository.LIST, Tuple.of(appKey)))
                .map(rows -> {
                    List<ChannelView> views = new ArrayList<>();
                    rows.forEach(row -> views.add(view(row, null)));
                    return views;
                });
    }

    public Uni<ChannelView> get(String appKey, String channelId) {
        return one(appKey, channelId, ChannelRepository.GET, Tuple.of(appKey, id(channelId))).map(row -> view(row, null));
    }

    public Uni<ChannelView> update(String appKey, String channelId, ChannelRequest request) {
        if (request == null) {
            throw Refusal.invalid("body", "required");
        }
        return one(appKey, channelId, ChannelRepository.GET, Tuple.of(appKey, id(channelId))).chain(current -> {
            ChannelType type = ChannelType.of(current.getString("type"));
            if (request.type() != null && ChannelType.of(request.type()) != type) {
                throw Refusal.invalid("type", "a channel keeps its type: create a new channel");
            }
            refuseFieldsOfOtherTypes(type, request);
            String credential = switch (type) {
                case WEBHOOK, EMAIL -> null;
                case SLACK -> request.webhookUrl() == null ? null : url("webhookUrl", request.webhookUrl());
                case PAGERDUTY -> request.routingKey() == null ? null : key("routingKey", request.routingKey());
                case OPSGENIE -> request.apiKey() == null ? null : key("apiKey", request.apiKey());
            };
            Settings settings = withQuietHours(new Settings(
                    request.name() == null ? current.getString("name") : name(request.name()),
                    request.url() == null ? current.getString("url") : url("url", request.url()),
                    request.enabled() == null ? current.getBoolean("enabled") : request.enabled(),
                    typeSettings(type, request, (JsonObject) current.getValue("settings")),
                    request.rules() == null ? current.getArrayOfStrings("rules") : list("rules", request.rules()),
                    request.severities() == null ? current.getArrayOfStrings("severities") : severities(request.severities()),
                    request.reminderEveryHours() == null ? current.getInteger("reminder_every_hours")
                            : reminder(request.reminderEveryHours()),
                    request.sendResolved() == null ? current.getBoolean("send_resolved") : request.sendResolved(),
                    current.getLocalTime("quiet_start"), current.getLocalTime("quiet_end"), current.getString("quiet_zone")),
                    request.quietHours());
            UUID id = current.getUUID("id");
            SecretSealer.Sealed sealed = credential == null ? null : sealer.seal(sealOwner(id), credential);
            Tuple values = Tuple.tuple(new ArrayList<>(Arrays.asList(appKey, id, settings.name(), settings.url(),
                    settings.enabled(), settings.settings(), settings.rules(), settings.severities(),
                    settings.reminderEveryHours(), settings.sendResolved(), settings.quietStart(), settings.quietEnd(),
                    settings.quietZone(), sealed != null, sealed == null ? null : sealed.keyId(),
                    sealed == null ? null : Buffer.buffer(sealed.bytes()))));
            return one(appKey, channelId, ChannelRepository.UPDATE, values).map(row -> view(row, null));
        });
    }

    /** Deletes the channel and its delivery records. */
    public Uni<Void> delete(String appKey, String channelId) {
        return one(appKey, channelId, ChannelRepository.DELETE, Tuple.of(appKey, id(channelId))).replaceWithVoid();
    }

    /** The outcome of a test message: delivered, or the receiver's status code or the error. */
    @RegisterForReflection
    public record TestResult(boolean delivered, Integer statusCode, String error) {
    }

    /**
     * Sends a test message through the channel now, whether it is enabled or not: a made-up
     * incident of the app marked {@code test}. A delivered test clears the channel's failing mark.
     */
    public Uni<TestResult> test(String appKey, String channelId, Instant now) {
        return one(appKey, channelId, ChannelRepository.GET_WITH_APP, Tuple.of(appKey, id(channelId))).chain(row -> {
            Notification sample = new Notification(appKey, row.getString("app_name"), row.getString("partner_name"),
                    UUID.randomUUID().toString(), Notification.ANOMALOUS, now.truncatedTo(ChronoUnit.SECONDS),
                    "availability_failed_check_15m", Notification.PAGE, "availability_success_rate", "%", 900, 80.0,
                    99.9, 0, true, null, null);
            return senders.of(row.getString("type")).send(senders.recipient(row), sample, null, now)
                    .call(outcome -> outcome.delivered()
                            ? channels.execute(ChannelRepository.TEST_DELIVERED, Tuple.of(row.getUUID("id")))
                            : Uni.createFrom().voidItem())
                    .map(outcome -> new TestResult(outcome.delivered(), outcome.statusCode(), outcome.error()));
        });
    }

    /** How many channel secrets a reseal sealed again with the active key. */
    @RegisterForReflection
    public record Reseal(String activeKeyId, int resealed) {
    }

    /**
     * Seals again, with the active key, every channel credential sealed with another one: run with
     * the shared secrets' reseal during a sealing-key rotation (docs/alerts.md).
     */
    public Uni<Reseal> resealAll() {
        return channels.pool().withTransaction(connection -> ChannelRepository
                .execute(connection, ChannelRepository.SEALED_WITH_OTHER_KEY, Tuple.of(sealer.activeKeyId()))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> {
                            UUID id = row.getUUID("id");
                            String keyId = row.getString("key_id");
                            String secret;
                            try {
                                secret = sealer.open(sealOwner(id), new SecretSealer.Sealed(keyId,
                                        row.getBuffer("sealed").getBytes()));
                            } catch (IllegalStateException e) {
                                throw Refusal.conflict("the credential of notification channel " + id
                                        + " is sealed with key " + keyId
                                        + ", which is not configured: add it to RAMPART_SECRETS_PREVIOUS_KEYS");
                            }
                            SecretSealer.Sealed sealed = sealer.seal(sealOwner(id), secret);
                            return ChannelRepository.execute(connection, ChannelRepository.RESEAL,
                                    Tuple.of(id, sealed.keyId(), Buffer.buffer(sealed.bytes())));
                        })
                        .collect().asList()
                        .map(done -> new Reseal(sealer.activeKeyId(), done.size()))));
    }

    private Uni<Row> one(String appKey, String channelId, String statement, Tuple values) {
        return requireApp(appKey).chain(() -> channels.execute(statement, values)).map((RowSet<Row> rows) -> {
            if (rows.size() == 0) {
                throw Refusal.notFound("the app " + appKey + " has no notification channel " + channelId);
            }
            return rows.iterator().next();
        });
    }

    private Uni<Void> requireApp(String appKey) {
        return channels.execute(ChannelRepository.APP_EXISTS, Tuple.of(appKey)).map(rows -> {
            if (rows.size() == 0) {
                throw Refusal.notFound("no app " + appKey);
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

    /** A field of another type's channel is refused, so that a typo does not pass unnoticed. */
    private static void refuseFieldsOfOtherTypes(ChannelType type, ChannelRequest request) {
        refuseUnless(type == ChannelType.WEBHOOK, "url", request.url());
        refuseUnless(type == ChannelType.EMAIL, "to", request.to());
        refuseUnless(type == ChannelType.SLACK, "webhookUrl", request.webhookUrl());
        refuseUnless(type == ChannelType.PAGERDUTY, "routingKey", request.routingKey());
        refuseUnless(type == ChannelType.OPSGENIE, "apiKey", request.apiKey());
        refuseUnless(type == ChannelType.OPSGENIE, "region", request.region());
    }

    private static void refuseUnless(boolean allowed, String field, Object value) {
        if (!allowed && value != null) {
            throw Refusal.invalid(field, "not a setting of this channel type");
        }
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw Refusal.invalid(field, "required");
        }
        return value;
    }

    /** The type's non-secret settings: the email addresses, the Opsgenie region. */
    private static JsonObject typeSettings(ChannelType type, ChannelRequest request, JsonObject current) {
        return switch (type) {
            case EMAIL -> request.to() == null && current.containsKey(EmailSender.TO) ? current
                    : new JsonObject().put(EmailSender.TO, new JsonArray(addresses(required("to", request.to()))));
            case OPSGENIE -> new JsonObject().put(OpsgenieSender.REGION, request.region() == null
                    ? current.getString(OpsgenieSender.REGION, "us") : region(request.region()));
            default -> current;
        };
    }

    private static List<String> addresses(List<String> to) {
        if (to.isEmpty() || to.size() > MAX_ADDRESSES) {
            throw Refusal.invalid("to", "1 to " + MAX_ADDRESSES + " email addresses");
        }
        Set<String> addresses = new LinkedHashSet<>();
        for (int i = 0; i < to.size(); i++) {
            String address = to.get(i);
            if (address == null || address.length() > MAX_ADDRESS || !ADDRESS.matcher(address).matches()) {
                throw Refusal.invalid("to[" + i + "]", "not an email address (local@domain.example, at most "
                        + MAX_ADDRESS + " characters)");
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    private static String region(String region) {
        if (!REGIONS.contains(region)) {
            throw Refusal.invalid("region", "us or eu");
        }
        return region;
    }

    private static String key(String field, String key) {
        if (!KEY.matcher(key).matches()) {
            throw Refusal.invalid(field, "1 to 128 printable ASCII characters without spaces");
        }
        return key;
    }

    /** Rule ids, each whole or ending in * for a prefix; empty: every rule. */
    private static String[] list(String field, List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > MAX_RULES) {
            throw Refusal.invalid(field, "at most " + MAX_RULES + " entries");
        }
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.isBlank() || value.length() > MAX_RULE || !UnicodeText.storable(value)) {
                throw Refusal.invalid(field + "[" + i + "]", "a rule id (a trailing * matches a prefix), 1 to "
                        + MAX_RULE + " characters");
            }
        }
        return values.stream().distinct().toArray(String[]::new);
    }

    /** Severities it receives; empty: every severity. */
    private static String[] severities(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        for (int i = 0; i < values.size(); i++) {
            // Set.of refuses to look up null.
            if (values.get(i) == null || !SEVERITIES.contains(values.get(i))) {
                throw Refusal.invalid("severities[" + i + "]", "page or ticket");
            }
        }
        return values.stream().distinct().toArray(String[]::new);
    }

    /** Hours between reminders; 0 or absent: none. */
    private static Integer reminder(Integer hours) {
        if (hours == null || hours == 0) {
            return null;
        }
        if (hours < 0 || hours > MAX_REMINDER_HOURS) {
            throw Refusal.invalid("reminderEveryHours", "0 (none) to " + MAX_REMINDER_HOURS);
        }
        return hours;
    }

    /** The settings with the quiet hours asked for: unchanged when absent, none for {}. */
    private static Settings withQuietHours(Settings settings, ChannelRequest.QuietHoursRequest quiet) {
        if (quiet == null) {
            return settings;
        }
        if (quiet.start() == null && quiet.end() == null && quiet.timeZone() == null) {
            return new Settings(settings.name(), settings.url(), settings.enabled(), settings.settings(), settings.rules(),
                    settings.severities(), settings.reminderEveryHours(), settings.sendResolved(), null, null, null);
        }
        LocalTime start = time("quietHours.start", quiet.start());
        LocalTime end = time("quietHours.end", quiet.end());
        if (start.equals(end)) {
            throw Refusal.invalid("quietHours.end", "differs from start");
        }
        String zone = required("quietHours.timeZone", quiet.timeZone());
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw Refusal.invalid("quietHours.timeZone", "a time zone id such as Europe/Berlin");
        }
        return new Settings(settings.name(), settings.url(), settings.enabled(), settings.settings(), settings.rules(),
                settings.severities(), settings.reminderEveryHours(), settings.sendResolved(), start, end, zone);
    }

    private static LocalTime time(String field, String value) {
        try {
            return LocalTime.parse(required(field, value));
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "a time of day, HH:mm");
        }
    }

    private static String name(String name) {
        if (name.isBlank() || name.length() > MAX_NAME || !UnicodeText.storable(name)) {
            throw Refusal.invalid("name", "1 to " + MAX_NAME + " characters of valid Unicode without the NUL character");
        }
        return name;
    }

    private static String url(String field, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (url.length() > MAX_URL || !UnicodeText.storable(url) || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw Refusal.invalid(field, "an absolute http(s) URL with a host, without credentials or fragment,"
                        + " at most " + MAX_URL + " characters");
            }
            return url;
        } catch (URISyntaxException e) {
            throw Refusal.invalid(field, "not a URL");
        }
    }

    private ChannelView view(Row row, String signingSecret) {
        JsonObject settings = (JsonObject) row.getValue("settings");
        JsonArray to = settings.getJsonArray(EmailSender.TO);
        LocalTime quietStart = row.getLocalTime("quiet_start");
        int failures = row.getInteger("consecutive_failures");
        OffsetDateTime failingSince = row.getOffsetDateTime("failing_since");
        boolean failing = failures >= failingAfter;
        return new ChannelView(row.getUUID("id").toString(), row.getString("app_key"), row.getString("type"),
                row.getString("name"), row.getString("url"),
                to == null ? null : to.stream().map(String::valueOf).toList(), settings.getString(OpsgenieSender.REGION),
                row.getBoolean("enabled"), strings(row.getArrayOfStrings("rules")),
                strings(row.getArrayOfStrings("severities")), row.getInteger("reminder_every_hours"),
                row.getBoolean("send_resolved"),
                quietStart == null ? null : new ChannelView.QuietHours(quietStart.toString(),
                        row.getLocalTime("quiet_end").toString(), row.getString("quiet_zone")),
                new ChannelView.Health(failing ? "failing" : "ok", failures,
                        failing && failingSince != null ? failingSince.toInstant() : null, row.getString("last_error")),
                row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
                signingSecret);
    }

    private static List<String> strings(String[] values) {
        return values == null ? null : List.of(values);
    }
}
