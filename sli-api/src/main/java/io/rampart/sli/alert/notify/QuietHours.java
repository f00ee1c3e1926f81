package io.rampart.sli.alert.notify;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A channel's quiet hours: local times [start, end) in a time zone, across midnight when end is
 * before start. A non-page notification that falls inside is held until they end, then sent once.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    /** The quiet hours of a channel row (quiet_start, quiet_end, quiet_zone), or null. */
    public static QuietHours of(Row row) {
        LocalTime start = row.getLocalTime("quiet_start");
        return start == null ? null : new QuietHours(start, row.getLocalTime("quiet_end"), ZoneId.of(row.getString("quiet_zone")));
    }

    public boolean quietAt(Instant instant) {
        LocalTime local = instant.atZone(zone).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** When a notification of {@code severity} queued at {@code now} may leave: now, or the end of these quiet hours. */
    public Instant release(String severity, Instant now) {
        if (Notification.PAGE.equals(severity) || !quietAt(now)) {
            return now;
        }
        ZonedDateTime local = now.atZone(zone);
        LocalDateTime end = LocalDateTime.of(local.toLocalDate(), this.end);
        if (!end.isAfter(local.toLocalDateTime())) {
            end = end.plusDays(1);
        }
        // A local end time that a daylight-saving shift skips resolves to the first instant after the gap.
        return end.atZone(zone).toInstant();
    }
}
