package io.rampart.publisher;

import io.rampart.publisher.connect.ConnectJwt;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Publishes an app's items to Rampart's Metric Publish API (wire-compatible with Atlassian
 * Connect's): one Connect JWT per request, bound to it by its {@code qsh}; the items split into
 * requests within the API's limits; every item given an {@code eventId} before the first attempt,
 * so that retries and other publishers of the same items never count one twice; 429 and 5xx
 * answers and unreachable service retried, honouring {@code Retry-After}, until the retry time
 * runs out; any other 4xx refused at once with the service's error. Thread-safe.
 */
public final class RampartPublisher {

    /** The API's limits (docs/ingest.md): items per request and bytes per body. */
    public static final int MAX_ITEMS_PER_REQUEST = 1000;
    public static final int MAX_BODY_BYTES = 1_048_576;

    private static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final String PUBLISH_PATH = "/rest/atlassian-connect/latest/addons-metrics/%s/publish";
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    private static final System.Logger LOG = System.getLogger(RampartPublisher.class.getName());

    private final URI publishUri;
    private final String publishPath;
    private final String appKey;
    private final String sharedSecret;
    private final int maxItemsPerRequest;
    private final Duration retryFor;
    private final Duration requestTimeout;
    private final HttpClient http;

    private RampartPublisher(Builder builder) {
        this.appKey = builder.appKey;
        this.sharedSecret = builder.sharedSecret;
        this.publishPath = String.format(PUBLISH_PATH, appKey);
        String base = builder.baseUrl.toString().replaceAll("/+$", "");
        this.publishUri = URI.create(base + publishPath);
        this.maxItemsPerRequest = builder.maxItemsPerRequest;
        this.retryFor = builder.retryFor;
        this.requestTimeout = builder.requestTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param baseUrl      event-ingest's base URL, e.g. {@code https://ingest.rampart.example}
     * @param sharedSecret the app's shared secret (from the registry; never logged)
     */
    public static Builder builder(URI baseUrl, String appKey, String sharedSecret) {
        return new Builder(baseUrl, appKey, sharedSecret);
    }

    /**
     * Publishes the items in order, in as few requests as the limits allow, and answers what was
     * stored. Blocks until every request is answered or the retry time ({@link Builder#retryFor})
     * is spent.
     *
     * @throws PublishRefusedException    a 4xx other than 429 (bad secret, unknown app, invalid item)
     * @throws PublishUnavailableException unreachable, or 429/5xx until the retry time ran out
     */
    public PublishResult publish(List<MetricItem> items) throws PublishException {
        Instant now = Instant.now();
        Instant deadline = now.plus(retryFor);
        List<String> encoded = new ArrayList<>(items.size());
        for (MetricItem item : items) {
            MetricItem complete = item;
            if (complete.eventId() == null) {
                complete = complete.withEventId(UUID.randomUUID().toString());
            }
            if (complete.timestamp() == null) {
                complete = complete.withTimestamp(now);
            }
            encoded.add(JsonUtil.toJson(complete.wireFields()));
        }
        PublishResult result = PublishResult.NOTHING;
        int first = 0;
        while (first < encoded.size()) {
            int end = batchEnd(encoded, first);
            result = send(String.join(",", encoded.subList(first, end)), first, deadline, result);
            first = end;
        }
        return result;
    }

    /** The end (exclusive) of the longest run from {@code first} within the item and byte limits. */
    private int batchEnd(List<String> encoded, int first) {
        int bytes = 2;
        int end = first;
        while (end < encoded.size() && end - first < maxItemsPerRequest) {
            int itemBytes = encoded.get(end).getBytes(StandardCharsets.UTF_8).length + (end > first ? 1 : 0);
            if (bytes + itemBytes > MAX_BODY_BYTES && end > first) {
                break;
            }
            bytes += itemBytes;
            end++;
        }
        return end;
    }

    private PublishResult send(String items, int offset, Instant deadline, PublishResult before) throws PublishException {
        byte[] body = ("[" + items + "]").getBytes(StandardCharsets.UTF_8);
        int attempt = 0;
        while (true) {
            attempt++;
            String lastFailure;
            Duration wait;
            try {
                HttpResponse<InputStream> answer = http.send(request(body, deadline), HttpResponse.BodyHandlers.ofInputStream());
                int status = answer.statusCode();
                Map<String, Object> json = json(answer);
                if (status >= 200 && status < 300) {
                    return before.plus(number(json.get("accepted")), number(json.get("duplicates")));
                }
                if (status != 429 && status < 500) {
                    Object index = json.get("index");
                    throw new PublishRefusedException(status, text(json.get("error"), "refused"), text(json.get("detail"), null),
                            index instanceof Number ? offset + ((Number) index).intValue() : null,
                            text(json.get("field"), null), before);
                }
                lastFailure = status + " " + text(json.get("error"), "") + describeDetail(json);
                wait = retryAfter(answer).orElse(backoff(attempt));
            } catch (IOException e) {
                lastFailure = "unreachable (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishUnavailableException("interrupted", attempt, before, e);
            }
            if (Instant.now().plus(wait).isAfter(deadline)) {
                throw new PublishUnavailableException("gave up after " + attempt + " attempt(s) within " + retryFor.toSeconds()
                        + " s; last: " + lastFailure, attempt, before, null);
            }
            LOG.log(System.Logger.Level.DEBUG, "attempt {0} failed ({1}); retrying in {2} ms", attempt, lastFailure, wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishUnavailableException("interrupted", attempt, before, e);
            }
        }
    }

    private HttpRequest request(byte[] body, Instant deadline) {
        // A fresh token per attempt: iat/exp stay valid however long the retries take.
        String token = ConnectJwt.sign(appKey, sharedSecret, "PUT", publishPath, Map.of(), Instant.now());
        Duration left = Duration.between(Instant.now(), deadline);
        Duration timeout = left.compareTo(requestTimeout) < 0 && !left.isNegative() && !left.isZero() ? left : requestTimeout;
        return HttpRequest.newBuilder(publishUri)
                .timeout(timeout)
                .header("Authorization", "JWT " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** Exponential from 250 ms up to 8 s, with full jitter so that many publishers do not retry in step. */
    private static Duration backoff(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110). */
    private static Optional<Duration> retryAfter(HttpResponse<?> answer) {
        return answer.headers().firstValue("Retry-After").flatMap(value -> {
            String trimmed = value.trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration delay = Duration.between(Instant.now(), at);
                    return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        });
    }

    /** The answer's JSON object, read up to 64 KiB; anything else (an HTML error page) as no fields. */
    private static Map<String, Object> json(HttpResponse<InputStream> answer) throws IOException {
        byte[] bytes;
        try (InputStream in = answer.body()) {
            bytes = in.readNBytes(MAX_ANSWER_BYTES);
        }
        try {
            return JsonUtil.parseJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (JoseException | RuntimeException notJsonObject) {
            return Map.of();
        }
    }

    private static String describeDetail(Map<String, Object> json) {
        Object detail = json.get("detail");
        return detail == null ? "" : ": " + detail;
    }

    private static long number(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }

    /** Settings of a publisher; only the base URL, app key and secret are required. */
    public static final class Builder {

        private final URI baseUrl;
        private final String appKey;
        private final String sharedSecret;
        private int maxItemsPerRequest = MAX_ITEMS_PER_REQUEST;
        private Duration retryFor = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(15);

        private Builder(URI baseUrl, String appKey, String sharedSecret) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                throw new IllegalArgumentException("the base URL must be http or https");
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("the base URL must have no query or fragment");
            }
            if (appKey == null || !APP_KEY.matcher(appKey).matches()) {
                throw new IllegalArgumentException("the app key must be 1 to 255 of A-Z a-z 0-9 . _ -");
            }
            if (sharedSecret == null || sharedSecret.isEmpty()) {
                throw new IllegalArgumentException("the shared secret is empty");
            }
            this.appKey = appKey;
            this.sharedSecret = sharedSecret;
        }

        /** At most this many items per request (1 to 1000, the API's limit). */
        public Builder maxItemsPerRequest(int maxItemsPerRequest) {
            if (maxItemsPerRequest < 1 || maxItemsPerRequest > MAX_ITEMS_PER_REQUEST) {
                throw new IllegalArgumentException("maxItemsPerRequest must be 1 to " + MAX_ITEMS_PER_REQUEST);
            }
            this.maxItemsPerRequest = maxItemsPerRequest;
            return this;
        }

        /** The total time one {@link #publish} call may spend retrying (default 30 s); zero: one attempt. */
        public Builder retryFor(Duration retryFor) {
            if (retryFor.isNegative()) {
                throw new IllegalArgumentException("retryFor must not be negative");
            }
            this.retryFor = retryFor;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one request may wait for its answer (default 15 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public RampartPublisher build() {
            return new RampartPublisher(this);
        }
    }
}
