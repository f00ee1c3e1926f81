package io.rampart.ingest.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.ingest.connect.ConnectJwtVerifier;
import io.rampart.ingest.credentials.CredentialRepository;
import io.rampart.ingest.event.EventRow;
import io.rampart.ingest.event.EventRepository;
import io.rampart.ingest.event.WriteOutcome;
import io.rampart.ingest.limit.RateLimiter;
import io.rampart.ingest.metrics.IngestMetrics;
import io.rampart.ingest.validation.ItemReader;
import io.rampart.ingest.validation.Payloads;
import io.rampart.ingest.validation.TimeBounds;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The Metric Publish API: the Connect JWT must be valid for this request (which an app that is
 * not registered never has), the app enabled, every item valid, the app within its rate; then
 * all items are stored or none.
 */
@ApplicationScoped
public class MetricPublisher {

    private final CredentialRepository credentials;
    private final ConnectJwtVerifier verifier;
    private final Payloads payloads;
    private final RateLimiter rateLimiter;
    private final EventRepository writer;

    public MetricPublisher(CredentialRepository credentials, ConnectJwtVerifier verifier, Payloads payloads,
                           RateLimiter rateLimiter, EventRepository writer) {
        this.credentials = credentials;
        this.verifier = verifier;
        this.payloads = payloads;
        this.rateLimiter = rateLimiter;
        this.writer = writer;
    }

    public Uni<WriteOutcome> publish(String appKey, String token, ConnectJwtVerifier.Request request, byte[] body) {
        // The token first: only a caller holding the app's secret learns whether it is disabled, and
        // an unknown app answers like a bad token.
        return credentials.find(appKey)
                .call(app -> verifier.verify(app, token, request))
                .invoke(app -> {
                    if (!app.enabled()) {
                        throw Refusal.appDisabled(appKey);
                    }
                })
                .flatMap(verified -> {
                    List<EventRow> rows = rows(appKey, payloads.items(body, null), payloads.timeBounds());
                    rateLimiter.take(appKey, rows.size());
                    return writer.write(IngestMetrics.Source.VENDOR, rows);
                });
    }

    private static List<EventRow> rows(String appKey, JsonNode items, TimeBounds bounds) {
        List<EventRow> rows = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            ItemReader item = new ItemReader(items.get(index), index, bounds);
            MetricsType type = item.requiredChoice("metricsType", MetricsType.class, Enum::name);
            MetricStatus status = item.requiredChoice("status", MetricStatus.class, Enum::name);
            Integer duration = item.optionalInt("durationInMillis", 0, Integer.MAX_VALUE);
            rows.add(new EventRow(appKey, type.kind, item.time("timestamp", bounds.now()), duration,
                    status == MetricStatus.SUCCESS, null, null, null, null, null, null,
                    item.optionalText("checkName"), item.optionalText("eventId"), null));
        }
        return rows;
    }
}
