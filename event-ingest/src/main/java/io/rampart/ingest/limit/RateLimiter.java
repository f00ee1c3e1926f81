package io.rampart.ingest.limit;

import io.rampart.ingest.config.IngestConfig;
import io.rampart.store.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket of events per app, in this replica: {@code events-per-second} sustained,
 * {@code burst} at once. With n replicas behind a balancer an app gets up to n times that.
 */
@ApplicationScoped
public class RateLimiter {

    private final double perSecond;
    private final int burst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(IngestConfig config) {
        this.perSecond = config.rateLimit().eventsPerSecond();
        this.burst = config.rateLimit().burst();
    }

    /** Takes {@code events} from the app's bucket or refuses (too many requests) with the seconds to wait. */
    public void take(String appKey, int events) {
        long waitNanos = buckets.computeIfAbsent(appKey, key -> new Bucket(burst, System.nanoTime()))
                .take(events, System.nanoTime());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw Refusal.tooManyRequests("the app " + appKey + " may publish " + (long) perSecond
                    + " events per second (bursts of " + burst + "); retry after " + seconds + " s", seconds);
        }
    }

    private final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        /**
         * 0 when taken, else how long until enough tokens will be there. A full bucket lets any
         * request pass (going into debt), so a request larger than the burst is slowed, not barred.
         */
        synchronized long take(int events, long now) {
            tokens = Math.min(burst, tokens + (now - updatedNanos) / 1e9 * perSecond);
            updatedNanos = now;
            if (events <= tokens || tokens >= burst) {
                tokens -= events;
                return 0;
            }
            double missing = Math.min(events, burst) - tokens;
            return Math.max(1, (long) (missing / perSecond * 1e9));
        }
    }
}
