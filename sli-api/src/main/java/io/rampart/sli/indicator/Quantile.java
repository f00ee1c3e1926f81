package io.rampart.sli.indicator;

import io.rampart.store.error.Refusal;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Which quantile the latency SLIs answer: {@code p90} unless asked otherwise ({@code ?quantile=p99}). */
record Quantile(String name, BigDecimal fraction) {

    static final Quantile P90 = new Quantile("p90", new BigDecimal("0.9"));
    private static final Pattern NAME = Pattern.compile("p([0-9]{1,2}(\\.[0-9]{1,3})?|100)");

    static Quantile parse(String text) {
        if (text == null) {
            return P90;
        }
        if (!NAME.matcher(text).matches() || new BigDecimal(text.substring(1)).signum() == 0) {
            throw Refusal.invalid("quantile", "p followed by a percentile above 0 and at most 100, such as p50, p99.9");
        }
        return new Quantile(text, new BigDecimal(text.substring(1)).movePointLeft(2));
    }
}
