package io.rampart.sli.indicator;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowCoverTest {

    private static WindowCover.Span span(Resolution resolution, String start, String end) {
        return new WindowCover.Span(resolution, Instant.parse(start), Instant.parse(end));
    }

    @Test
    void coversAWindowWithDaysInTheMiddleHoursNextToThemAndMinutesAtTheEdges() {
        List<WindowCover.Span> spans = WindowCover.cover(Instant.parse("2026-01-01T22:58:00Z"), Instant.parse("2026-01-29T01:03:00Z"));
        assertThat(spans).containsExactly(
                span(Resolution.MINUTE, "2026-01-01T22:58:00Z", "2026-01-01T23:00:00Z"),
                span(Resolution.HOUR, "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z"),
                span(Resolution.DAY, "2026-01-02T00:00:00Z", "2026-01-29T00:00:00Z"),
                span(Resolution.HOUR, "2026-01-29T00:00:00Z", "2026-01-29T01:00:00Z"),
                span(Resolution.MINUTE, "2026-01-29T01:00:00Z", "2026-01-29T01:03:00Z"));
    }

    @Test
    void aWindowShorterThanAnHourIsReadFromMinutes() {
        assertThat(WindowCover.cover(Instant.parse("2026-01-01T10:05:00Z"), Instant.parse("2026-01-01T10:35:00Z")))
                .containsExactly(span(Resolution.MINUTE, "2026-01-01T10:05:00Z", "2026-01-01T10:35:00Z"));
    }

    @Test
    void anAlignedDayIsOneBucket() {
        assertThat(WindowCover.cover(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z")))
                .containsExactly(span(Resolution.DAY, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"));
    }

    @Test
    void refusesARangeOffWholeMinutes() {
        assertThatThrownBy(() -> WindowCover.cover(Instant.parse("2026-01-01T00:00:30Z"), Instant.parse("2026-01-01T01:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
