package io.rampart.ingest.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.ingest.config.IngestConfig;
import io.rampart.ingest.credentials.CredentialRepository;
import io.rampart.ingest.event.WriteOutcome;
import io.rampart.ingest.host.HostEventType;
import io.rampart.ingest.validation.ItemReader;
import io.rampart.ingest.validation.Payloads;
import io.rampart.ingest.validation.TimeBounds;
import io.rampart.store.error.Refusal;
import io.rampart.store.event.DeliveryErrorKind;
import io.rampart.store.event.EventKind;
import io.rampart.store.event.Product;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Host events sent as per-minute aggregates (docs/ingest.md, "Aggregated host ingest"): validated
 * like host events (all or nothing, 400 naming the item and field), stored into the rollups the
 * SLIs are read from, so that they equal those of the same events sent one by one.
 */
@ApplicationScoped
public class HostAggregateIngest {

    private static final Logger LOG = Logger.getLogger(HostAggregateIngest.class);
    /** The published latency bins: gamma = 1.01 / 0.99; bin 0 holds 0 ms (V30 rampart_latency_bin). */
    static final double GAMMA = 1.01 / 0.99;
    /** The bin of the longest duration a host event may carry (Integer.MAX_VALUE ms). */
    static final int MAX_BIN = 1 + (int) Math.ceil(Math.log(Integer.MAX_VALUE) / Math.log(GAMMA));
    /** Outcome rows and bins of one aggregate at most: every status code, every bin. */
    private static final int MAX_ENTRIES = 2000;
    private static final int MIN_STATUS_CODE = 100;
    private static final int MAX_STATUS_CODE = 599;

    /** The iframe outcomes of docs/slis.md: connected within the 12 s rule, later, or never. */
    private enum IframeResult {
        CONNECTED, LATE, NEVER;

        String wireValue() {
            return name().toLowerCase();
        }
    }

    private final CredentialRepository credentials;
    private final Payloads payloads;
    private final AggregateRepository repository;
    private final IngestConfig config;

    public HostAggregateIngest(CredentialRepository credentials, Payloads payloads, AggregateRepository repository,
            IngestConfig config) {
        this.credentials = credentials;
        this.payloads = payloads;
        this.repository = repository;
        this.config = config;
    }

    /** Stores the request's aggregates; answers how many were new and how many were resends of a stored key. */
    public Uni<WriteOutcome> ingest(byte[] body) {
        List<HostAggregate> aggregates = aggregates(payloads.items(body, "aggregates"), payloads.timeBounds());
        return credentials.requireEnabled(aggregates.stream().map(HostAggregate::appKey).toList())
                .flatMap(ignored -> aggregates.isEmpty() ? Uni.createFrom().item(0) : repository.record(aggregates)
                        .ifNoItem().after(config.writer().commitTimeout()).fail()
                        .onFailure().transform(failure -> {
                            LOG.warnf("%d host aggregates could not be stored: %s", aggregates.size(), failure.toString());
                            return Refusal.unavailable("the aggregates could not be stored; nothing of this request was kept");
                        }))
                .map(stored -> new WriteOutcome(stored, aggregates.size() - stored));
    }

    private static List<HostAggregate> aggregates(JsonNode items, TimeBounds bounds) {
        List<HostAggregate> aggregates = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            aggregates.add(aggregate(new ItemReader(items.get(index), index, bounds)));
        }
        return aggregates;
    }

    private static HostAggregate aggregate(ItemReader item) {
        String appKey = item.requiredText("appKey");
        if (!CredentialRepository.APP_KEY.matcher(appKey).matches()) {
            throw item.invalid("appKey", "must be 1 to 255 letters, digits, '.', '_' or '-'");
        }
        OffsetDateTime minute = item.time("minute", null);
        if (minute.getSecond() != 0 || minute.getNano() != 0) {
            throw item.invalid("minute", "must be the start of a minute, such as 2026-01-31T12:34:00Z");
        }
        HostEventType type = item.requiredChoice("type", HostEventType.class, Enum::name);
        String idempotencyKey = item.requiredText("idempotencyKey");
        List<HostAggregate.OutcomeCount> outcomes = new ArrayList<>();
        for (ItemReader outcome : item.requiredObjects("outcomes", MAX_ENTRIES)) {
            outcomes.add(outcome(type, outcome));
        }
        ItemReader latency = item.requiredObject("latency");
        int[] bins = latency.requiredInts("bins", 0, MAX_BIN, MAX_ENTRIES);
        int[] counts = latency.requiredInts("counts", 1, Integer.MAX_VALUE, MAX_ENTRIES);
        if (counts.length != bins.length) {
            throw latency.invalid("counts", "must have one count per bin (" + bins.length + ")");
        }
        List<HostAggregate.BinCount> histogram = new ArrayList<>(bins.length);
        long observations = 0;
        for (int i = 0; i < bins.length; i++) {
            if (i > 0 && bins[i] <= bins[i - 1]) {
                throw latency.invalid("bins[" + i + "]", "bins must be in ascending order, each once");
            }
            histogram.add(new HostAggregate.BinCount(bins[i], counts[i]));
            observations += counts[i];
        }
        long events = outcomes.stream().mapToLong(HostAggregate.OutcomeCount::total).sum();
        if (observations != events) {
            throw latency.invalid("counts", "must add up to the events counted in outcomes (" + events
                    + "): every event has one latency");
        }
        return new HostAggregate(appKey, minute, kind(type), idempotencyKey, outcomes, histogram);
    }

    /**
     * One outcome row, keyed as the rollups keep it: iframe loads by result (good: connected),
     * lifecycle callbacks by status code or error kind (good: 200 or 204), webhooks by product
     * and status code or error kind (the webhook policy decides when reading, so none is good here).
     */
    private static HostAggregate.OutcomeCount outcome(HostEventType type, ItemReader row) {
        long count = row.requiredInt("count", 1, Integer.MAX_VALUE);
        return switch (type) {
            case IFRAME_LOAD -> {
                IframeResult result = row.requiredChoice("result", IframeResult.class, IframeResult::wireValue);
                yield new HostAggregate.OutcomeCount("", 0, count, result == IframeResult.CONNECTED ? count : 0);
            }
            case LIFECYCLE -> {
                Integer status = statusCode(row);
                yield new HostAggregate.OutcomeCount("", 0, count, status != null && (status == 200 || status == 204) ? count : 0);
            }
            case WEBHOOK -> {
                Product product = row.requiredChoice("product", Product.class, Product::wireValue);
                Integer status = statusCode(row);
                yield new HostAggregate.OutcomeCount(product.name(), status == null ? 0 : status, count, 0);
            }
        };
    }

    /** Exactly one of statusCode (the app answered) and errorKind (it was not reached): null for the latter. */
    private static Integer statusCode(ItemReader row) {
        boolean answered = row.has("statusCode");
        if (answered == row.has("errorKind")) {
            throw row.invalid(answered ? "errorKind" : "statusCode",
                    "give exactly one of statusCode (the app answered) and errorKind (it was not reached)");
        }
        if (answered) {
            return row.requiredInt("statusCode", MIN_STATUS_CODE, MAX_STATUS_CODE);
        }
        row.requiredChoice("errorKind", DeliveryErrorKind.class, Enum::name);
        return null;
    }

    private static EventKind kind(HostEventType type) {
        return switch (type) {
            case IFRAME_LOAD -> EventKind.IFRAME_HOST;
            case LIFECYCLE -> EventKind.LIFECYCLE;
            case WEBHOOK -> EventKind.WEBHOOK;
        };
    }
}
