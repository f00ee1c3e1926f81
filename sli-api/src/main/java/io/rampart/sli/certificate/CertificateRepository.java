package io.rampart.sli.certificate;

import io.rampart.sli.replica.ReadPool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The certificates the prober saw (probe_certificate, V180), by the target's label. */
@ApplicationScoped
public class CertificateRepository {

    /** The latest certificate of each of the app's targets that has one. */
    private static final String BY_TARGET = """
            select t.label, c.not_after, c.issuer, c.seen_at
            from healthcheck_target t join probe_certificate c on c.target_id = t.id
            where t.app_key = $1""";

    /**
     * The certificates of the app's enabled targets seen since $2: a target no longer served over
     * https (or no longer answering) stops counting after that.
     */
    private static final String CURRENT = """
            select t.label, c.not_after, c.issuer, c.seen_at
            from healthcheck_target t join probe_certificate c on c.target_id = t.id
            where t.app_key = $1 and t.enabled and c.seen_at >= $2""";

    private final ReadPool pool;

    public CertificateRepository(ReadPool pool) {
        this.pool = pool;
    }

    /** Every target's latest certificate, by label. */
    public Uni<Map<String, TargetCertificate>> byLabel(String appKey, Instant now) {
        return read(BY_TARGET, Tuple.of(appKey), now);
    }

    /** The certificates of enabled targets seen since {@code since}, by label. */
    public Uni<Map<String, TargetCertificate>> current(String appKey, Instant since, Instant now) {
        return read(CURRENT, Tuple.of(appKey, since.atOffset(java.time.ZoneOffset.UTC)), now);
    }

    private Uni<Map<String, TargetCertificate>> read(String query, Tuple parameters, Instant now) {
        return pool.current().preparedQuery(query).execute(parameters).map(rows -> {
            Map<String, TargetCertificate> byLabel = new HashMap<>();
            for (Row row : rows) {
                byLabel.put(row.getString("label"), TargetCertificate.of(row.getOffsetDateTime("not_after").toInstant(),
                        row.getString("issuer"), row.getOffsetDateTime("seen_at").toInstant(), now));
            }
            return byLabel;
        });
    }
}
