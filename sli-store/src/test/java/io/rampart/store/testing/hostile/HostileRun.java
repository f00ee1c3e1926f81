package io.rampart.store.testing.hostile;

import io.rampart.store.testing.hostile.HostileRequest.Answer;
import io.rampart.store.testing.hostile.OpenApiOperations.Operation;
import net.jqwik.engine.SourceOfRandomness;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hostile run over a service's operations: for each, {@code triesPerOperation} requests with one
 * hostile part, each answer checked ({@link HostileAnswers}), and the database's fingerprint compared
 * after every request: only a request that {@code mayChangeTheDatabase} accepts may have changed it,
 * and only with a 2xx. Every failed check is collected so that one run shows them all.
 * <p>
 * The requests are drawn from a seed, so that a run is repeatable: the same seed, build and
 * operations send the same requests, and a failure in CI is one the same command finds again. The
 * seed is {@value #DEFAULT_SEED} unless {@code -Dhostile.seed} names another, or {@code random}
 * for a new one (printed) to explore with; each operation draws from the seed and its own name, so
 * a new operation does not change what the others send.
 */
public final class HostileRun {

    private static final long DEFAULT_SEED = 20261202L;

    private final String service;
    private final Fixture fixture;
    private final HostileAnswers answers;
    private final Function<HostileRequest, Map<String, String>> credentials;
    private final Set<String> backgroundTables;

    /**
     * @param credentials      the headers that authenticate a request (they lose to a hostile header of the same name)
     * @param backgroundTables the tables the service's scheduled work writes whatever the requests, left
     *                         out of the fingerprint ({@link DatabaseFingerprint#take(Set)})
     */
    public HostileRun(String service, Fixture fixture, HostileAnswers answers,
            Function<HostileRequest, Map<String, String>> credentials, Set<String> backgroundTables) {
        this.service = service;
        this.fixture = fixture;
        this.answers = answers;
        this.credentials = credentials;
        this.backgroundTables = backgroundTables;
    }

    /**
     * Sends the requests and fails on the first check any of them failed (listing all).
     *
     * @param mayChangeTheDatabase which accepted (2xx) hostile requests may change the database
     * @param afterChange          called with the answer whenever the database changed, to put the fixture back
     */
    public void run(List<Operation> operations, int triesPerOperation, Predicate<HostileRequest> mayChangeTheDatabase,
            Consumer<Answer> afterChange) {
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> changes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        DatabaseFingerprint before = DatabaseFingerprint.take(backgroundTables);
        long started = System.nanoTime();
        long seed = seed();
        for (Operation operation : operations) {
            SourceOfRandomness.create(Long.toString(seed ^ operation.key().hashCode()));
            for (HostileRequest request : HostileRequests.of(operation, fixture).sampleStream().limit(triesPerOperation).toList()) {
                Answer answer = request.send(credentials.apply(request));
                byStatus.merge(answer.status() / 100 + "xx", 1, Integer::sum);
                try {
                    answers.check(request, answer);
                    DatabaseFingerprint after = DatabaseFingerprint.take(backgroundTables);
                    if (after.equals(before)) {
                        continue;
                    }
                    assertThat(answer.status() < 300 && mayChangeTheDatabase.test(request))
                            .as("%s changed the database (%s), answered %d: %s", request.what(),
                                    String.join(", ", before.changedTables(after)), answer.status(),
                                    HostileValues.abbreviate(answer.body())).isTrue();
                    changes.merge(request.part(), 1, Integer::sum);
                } catch (AssertionError failure) {
                    // Printed as found too: a run cut short (a hang, a timeout) still names what failed.
                    failures.add(failure.getMessage().lines().findFirst().orElse(""));
                    System.out.printf("%s hostile check failed: %s%n", service, failures.get(failures.size() - 1));
                }
                afterChange.accept(answer);
                before = DatabaseFingerprint.take(backgroundTables);
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        // The counts docs/security.md records ("0xx": closed by the HTTP codec).
        System.out.printf("%s hostile input (seed %d): %d operations, %d requests in %d s, by status %s, database changed by: %s%n",
                service, seed, operations.size(), operations.size() * triesPerOperation, seconds, byStatus, changes);
        assertThat(failures).as("%d of the hostile requests failed a check (-Dhostile.seed=%d sends them again)",
                failures.size(), seed).isEmpty();
    }

    private static long seed() {
        String named = System.getProperty("hostile.seed", Long.toString(DEFAULT_SEED));
        return named.equals("random") ? new SecureRandom().nextLong() : Long.parseLong(named);
    }
}
