package io.rampart.sli.status;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.targetId;

/**
 * A week of every kind of event for an app with the targets eu and us, written as the prober and
 * ingest write them (one set-based INSERT per stream): probes every minute with a 30-minute outage
 * of eu two days ago, host and vendor events with a few failures. Deterministic: no random().
 */
final class SampleTraffic {

    static final int DAYS = 7;

    private SampleTraffic() {
    }

    static void record(String appKey) {
        Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        for (String label : new String[] {"eu", "us"}) {
            boolean eu = label.equals("eu");
            execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                    + " status_code, prober)"
                    + " select ?, ?, t, t, (" + (eu ? 110 : 170) + " + 45 * sin(n * pi() / 720) + (n * 37) % 40)::int,"
                    + " case when " + (eu ? "n between 2880 and 2909 or n = 300" : "false")
                    + " then 'HTTP_STATUS' else 'SUCCESS' end,"
                    + " case when " + (eu ? "n between 2880 and 2909 or n = 300" : "false") + " then 503 else 200 end,"
                    + " 'test' from " + minutes(1), targetId(appKey, label), appKey, now);
        }
        events(appKey, "IFRAME_HOST", 5, now, "(900 + 350 * sin(n * pi() / 144) + (n * 53) % 300)::int",
                "n % 150 <> 0", "null", "null");
        events(appKey, "IFRAME_APP", 10, now, "(520 + 160 * sin(n * pi() / 72) + (n * 31) % 90)::int",
                "n % 200 <> 0", "null", "null");
        events(appKey, "SYNTHETIC", 15, now, "(1250 + 300 * sin(n * pi() / 48) + (n * 17) % 200)::int",
                "n % 60 <> 0", "null", "null");
        events(appKey, "LIFECYCLE", 30, now, "(150 + (n * 29) % 120)::int", "null",
                "case when n = 100 then 500 else 204 end", "null");
        events(appKey, "WEBHOOK", 2, now, "(80 + 30 * sin(n * pi() / 360) + (n * 7) % 40)::int", "null",
                "case when n % 180 = 0 then 500 when n % 2 = 0 then 204 else 200 end",
                "case when n % 3 = 0 then 'CONFLUENCE' else 'JIRA' end");
    }

    private static void events(String appKey, String kind, int everyMinutes, Timestamp now, String duration,
            String succeeded, String statusCode, String product) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, status_code, product)"
                + " select ?, ?, t, " + duration + ", " + succeeded + ", " + statusCode + ", " + product
                + " from " + minutes(everyMinutes), appKey, kind, now);
    }

    /** Rows n = 1.. with t = now - n steps, over the week; the now parameter comes last. */
    private static String minutes(int step) {
        int rows = DAYS * 24 * 60 / step;
        return "generate_series(1, " + rows + ") as n, lateral (select ?::timestamptz - n * interval '" + step
                + " minutes' as t) as at";
    }
}
