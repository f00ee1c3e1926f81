package io.rampart.sli.indicator;

import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** The P90 of each probe phase of an app over a window (docs/sli-api.md, "Probe phases"). */
@ApplicationScoped
public class ProbePhaseService {

    static final BigDecimal QUANTILE = new BigDecimal("0.9");

    private final SliService slis;
    private final ProbePhaseRepository reader;

    public ProbePhaseService(SliService slis, ProbePhaseRepository reader) {
        this.slis = slis;
        this.reader = reader;
    }

    /** Over {@code window}, or {@code from} and {@code to}, by default the last 28 days, as the summaries. */
    public Uni<ProbePhases> phases(String appKey, String window, String from, String to, Instant now) {
        Window range = slis.window(new SliService.Query(window, from, to, null, null, null), now);
        return reader.read(appKey, range).map(found -> {
            Map<String, LatencyHistogram> byPhase = found.orElseThrow(() -> Refusal.notFound("no app " + appKey));
            LatencyHistogram total = byPhase.get("total");
            return new ProbePhases(appKey, range.from(), range.to(), QUANTILE.doubleValue(),
                    total == null ? 0 : total.observations(), p90(byPhase, "dns"), p90(byPhase, "connect"),
                    p90(byPhase, "tls"), p90(byPhase, "first_byte"), p90(byPhase, "total"));
        });
    }

    /** Whole milliseconds: the bins are within 1 % of the value, finer figures would be noise. */
    private static Double p90(Map<String, LatencyHistogram> byPhase, String phase) {
        LatencyHistogram histogram = byPhase.get(phase);
        Double value = histogram == null ? null : histogram.quantile(QUANTILE);
        return value == null ? null : (double) Math.round(value);
    }
}
