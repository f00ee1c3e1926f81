package io.rampart.sli.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One app against one SLO over a period: the SLI's value, good and total as its summary reads
 * them, whether it met its target ({@code met}, {@code missed}, {@code no_data}), the incidents
 * opened on that SLI in the period and how many periods in a row it missed, this one included.
 */
@RegisterForReflection
public record ComplianceRow(String appKey, String sli, double target, @JsonInclude(JsonInclude.Include.ALWAYS) Double value,
        long good, long total, String attainment, long incidents, int breachStreak) {

    static final String MET = "met";
    static final String MISSED = "missed";
    static final String NO_DATA = "no_data";
}
