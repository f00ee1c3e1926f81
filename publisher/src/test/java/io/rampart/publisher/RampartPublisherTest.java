package io.rampart.publisher;

import io.rampart.publisher.connect.CanonicalRequest;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a loopback receiver that answers what each case needs. */
class RampartPublisherTest {

    private static final String APP = "com.acme.timesheets";
    private static final String SECRET = "a-shared-secret-of-the-app";
    private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");

    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private RampartPublisher publisher(Duration retryFor) {
        return RampartPublisher.builder(receiver.url(), APP, SECRET).retryFor(retryFor).build();
    }

    @Test
    void eachRequestCarriesAConnectJwtOfTheAppBoundToItsMethodAndPath() throws Exception {
        PublishResult result = publisher(Duration.ZERO).publish(List.of(
                MetricItem.synthetic(MetricStatus.SUCCESS).withDurationMillis(120).withCheckName("login")));

        assertThat(result.accepted()).isEqualTo(1);
        Receiver.Received request = receiver.received().get(0);
        assertThat(request.method).isEqualTo("PUT");
        assertThat(request.path).isEqualTo("/rest/atlassian-connect/latest/addons-metrics/" + APP + "/publish");
        assertThat(request.authorization).startsWith("JWT ");
        JwtClaims claims = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setVerificationKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation().setExpectedIssuer(APP).setRequireExpirationTime().setRequireIssuedAt()
                .setSkipDefaultAudienceValidation().build()
                .processToClaims(request.authorization.substring(4));
        assertThat(claims.getClaimValue("qsh")).isEqualTo(CanonicalRequest.hash("PUT", request.path, Map.of()));
        assertThat(request.body).contains("\"metricsType\":\"SYNTHETIC\"", "\"status\":\"SUCCESS\"",
                "\"durationInMillis\":120", "\"checkName\":\"login\"", "\"eventId\":", "\"timestamp\":");
    }

    @Test
    void itemsAreSplitWithinTheApisLimitsOfItemsAndBytesEachWithItsOwnEventId() throws Exception {
        List<MetricItem> items = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            items.add(MetricItem.iframe(MetricStatus.SUCCESS).withDurationMillis(i));
        }
        // 1000 items with 255-character names and ids of 3-byte characters make about 1.6 MB:
        // the bytes decide there, not the count.
        String longText = "\u20ac".repeat(250);
        for (int i = 0; i < 1000; i++) {
            items.add(MetricItem.synthetic(MetricStatus.FAIL).withCheckName(longText + "check")
                    .withEventId(longText + String.format("%05d", i)));
        }

        PublishResult result = publisher(Duration.ZERO).publish(items);

        assertThat(result.accepted()).isEqualTo(3000);
        List<Receiver.Received> requests = receiver.received();
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.items()).isLessThanOrEqualTo(RampartPublisher.MAX_ITEMS_PER_REQUEST);
            assertThat(request.body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RampartPublisher.MAX_BODY_BYTES);
        });
        assertThat(requests.stream().mapToInt(Receiver.Received::items).sum()).isEqualTo(3000);
        assertThat(requests).hasSize(result.requests()).hasSizeGreaterThan(3);
        Set<String> ids = new HashSet<>();
        requests.forEach(request -> ids.addAll(eventIds(request.body)));
        assertThat(ids).hasSize(3000);
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterWithTheSameItems() throws Exception {
        receiver.then(503, "{\"error\":\"unavailable\",\"detail\":\"the database did not commit\"}", Map.of("Retry-After", "1"));

        PublishResult result = publisher(Duration.ofSeconds(10)).publish(List.of(
                MetricItem.synthetic(MetricStatus.SUCCESS), MetricItem.synthetic(MetricStatus.FAIL)));

        assertThat(result.accepted()).isEqualTo(2);
        List<Receiver.Received> requests = receiver.received();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).atMillis - requests.get(0).atMillis).isGreaterThanOrEqualTo(1000);
        assertThat(requests.get(1).body).isEqualTo(requests.get(0).body);
        assertThat(requests.get(1).authorization).isNotNull();
    }

    @Test
    void a429WhoseRetryAfterLiesBeyondTheRetryTimeGivesUpAtOnce() {
        receiver.then(429, "{\"error\":\"rate_limited\",\"detail\":\"slow down\"}", Map.of("Retry-After", "60"));
        Instant started = Instant.now();

        assertThatThrownBy(() -> publisher(Duration.ofSeconds(20)).publish(List.of(MetricItem.synthetic(MetricStatus.SUCCESS))))
                .isInstanceOf(PublishUnavailableException.class)
                .hasMessageContaining("429 rate_limited: slow down");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void a400IsNotRetriedAndNamesTheItemInTheCallersListAndTheField() throws Exception {
        List<MetricItem> items = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            items.add(MetricItem.synthetic(MetricStatus.SUCCESS));
        }
        receiver.then(200, "{\"accepted\":1000,\"duplicates\":0}")
                .then(400, "{\"error\":\"invalid_item\",\"detail\":\"at most 255 characters\",\"index\":7,\"field\":\"checkName\"}");

        assertThatThrownBy(() -> publisher(Duration.ofSeconds(10)).publish(items))
                .isInstanceOfSatisfying(PublishRefusedException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.error()).isEqualTo("invalid_item");
                    assertThat(refused.index()).isEqualTo(1007);
                    assertThat(refused.field()).isEqualTo("checkName");
                    assertThat(refused.publishedBefore().accepted()).isEqualTo(1000);
                    assertThat(refused.getMessage()).isEqualTo("400 invalid_item: at most 255 characters (item 1007, field checkName)");
                });
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void anUnreachableServiceIsRetriedUntilTheRetryTimeRunsOut() {
        receiver.close();
        Instant started = Instant.now();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> publisher(Duration.ofSeconds(2)).publish(List.of(MetricItem.synthetic(MetricStatus.SUCCESS))))
                .isInstanceOfSatisfying(PublishUnavailableException.class, unavailable -> {
                    attempts.set(unavailable.attempts());
                    assertThat(unavailable.getMessage()).contains("unreachable");
                });
        Duration took = Duration.between(started, Instant.now());
        // Waits are jittered within [half, whole] of 250 ms doubling, and a wait that would end past the retry time
        // gives up at once: so the attempts made must have waited at least the half-waits before them, and all
        // within the retry time (plus the last connection attempt).
        assertThat(attempts.get()).isGreaterThan(2);
        long leastWaited = 0;
        for (int attempt = 1; attempt < attempts.get(); attempt++) {
            leastWaited += 125L << (attempt - 1);
        }
        assertThat(took).isBetween(Duration.ofMillis(leastWaited), Duration.ofSeconds(4));
    }

    @Test
    void theSecretIsInNoMessage() {
        receiver.then(401, "{\"error\":\"unauthorized\",\"detail\":\"the token's signature does not verify\"}");

        assertThatThrownBy(() -> publisher(Duration.ZERO).publish(List.of(MetricItem.synthetic(MetricStatus.SUCCESS))))
                .isInstanceOf(PublishRefusedException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).contains("401 unauthorized"));
    }

    static List<String> eventIds(String body) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = EVENT_ID.matcher(body);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }
}
