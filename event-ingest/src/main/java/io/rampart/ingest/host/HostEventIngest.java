package io.rampart.ingest.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.ingest.credentials.CredentialRepository;
import io.rampart.ingest.event.EventRow;
import io.rampart.ingest.event.EventRepository;
import io.rampart.ingest.event.WriteOutcome;
import io.rampart.ingest.metrics.IngestMetrics;
import io.rampart.ingest.validation.InvalidItems;
import io.rampart.ingest.validation.ItemReader;
import io.rampart.ingest.validation.Payloads;
import io.rampart.ingest.validation.TimeBounds;
import io.rampart.store.event.DeliveryErrorKind;
import io.rampart.store.event.EventKind;
import io.rampart.store.event.LifecycleKind;
import io.rampart.store.event.Product;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Host events (iframe loads, lifecycle callbacks, webhook deliveries), possibly for several apps
 * in one request. All-or-nothing: any invalid item, unknown or disabled app refuses the request.
 */
@ApplicationScoped
public class HostEventIngest {

    private static final int MIN_STATUS_CODE = 100;
    private static final int MAX_STATUS_CODE = 599;
    private static final java.util.regex.Pattern SITE = java.util.regex.Pattern.compile("[!-~]{1,255}");

    private final CredentialRepository credentials;
    private final Payloads payloads;
    private final EventRepository writer;

    public HostEventIngest(CredentialRepository credentials, Payloads payloads, EventRepository writer) {
        this.credentials = credentials;
        this.payloads = payloads;
        this.writer = writer;
    }

    public Uni<WriteOutcome> ingest(byte[] body) {
        List<EventRow> rows = rows(payloads.items(body, "events"), payloads.timeBounds());
        return credentials.requireEnabled(rows.stream().map(EventRow::appKey).toList())
                .flatMap(ignored -> writer.write(IngestMetrics.Source.HOST, rows));
    }

    private static List<EventRow> rows(JsonNode items, TimeBounds bounds) {
        List<EventRow> rows = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            rows.add(row(new ItemReader(items.get(index), index, bounds)));
        }
        return rows;
    }

    private static EventRow row(ItemReader item) {
        HostEventType type = item.requiredChoice("type", HostEventType.class, Enum::name);
        String appKey = item.requiredText("appKey");
        if (!CredentialRepository.APP_KEY.matcher(appKey).matches()) {
            throw item.invalid("appKey", "must be 1 to 255 letters, digits, '.', '_' or '-'");
        }
        var occurredAt = item.time("occurredAt", null);
        int durationMs = item.requiredInt("durationMs", 0, Integer.MAX_VALUE);
        String eventId = item.optionalText("eventId");
        String site = site(item);
        return switch (type) {
            case IFRAME_LOAD -> new EventRow(appKey, EventKind.IFRAME_HOST, occurredAt, durationMs,
                    item.requiredBoolean("connected"), null, null, null, null, null, null, null, eventId, site);
            case LIFECYCLE -> {
                LifecycleKind lifecycle = item.requiredChoice("lifecycle", LifecycleKind.class, LifecycleKind::wireValue);
                Outcome outcome = outcome(item);
                yield new EventRow(appKey, EventKind.LIFECYCLE, occurredAt, durationMs, null, outcome.statusCode,
                        outcome.errorKind, lifecycle, null, null, null, null, eventId, site);
            }
            case WEBHOOK -> {
                Product product = item.requiredChoice("product", Product.class, Product::wireValue);
                String webhookEvent = item.requiredText("event");
                Integer queueMs = item.optionalInt("queueMs", 0, Integer.MAX_VALUE);
                Outcome outcome = outcome(item);
                yield new EventRow(appKey, EventKind.WEBHOOK, occurredAt, durationMs, null, outcome.statusCode,
                        outcome.errorKind, null, product, webhookEvent, queueMs, null, eventId, site);
            }
        };
    }

    /**
     * The customer installation the event happened on (its base URL or client key), optional: 1 to
     * 255 visible ASCII characters, no spaces or control characters, as shown to the app's vendor.
     */
    private static String site(ItemReader item) {
        String site = item.optionalText("site");
        if (site != null && !SITE.matcher(site).matches()) {
            throw item.invalid("site", "must be visible ASCII characters without spaces (a base URL or client key)");
        }
        return site;
    }

    /** Exactly one of the app's answer (statusCode) and why it was not reached (errorKind). */
    private record Outcome(Integer statusCode, DeliveryErrorKind errorKind) {
    }

    private static Outcome outcome(ItemReader item) {
        boolean answered = item.has("statusCode");
        boolean unreached = item.has("errorKind");
        if (answered == unreached) {
            throw item.invalid(answered ? "errorKind" : "statusCode",
                    "give exactly one of statusCode (the app answered) and errorKind (it was not reached)");
        }
        return answered
                ? new Outcome(item.requiredInt("statusCode", MIN_STATUS_CODE, MAX_STATUS_CODE), null)
                : new Outcome(null, item.requiredChoice("errorKind", DeliveryErrorKind.class, Enum::name));
    }
}
