package io.rampart.ingest.aggregate;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Stores host aggregates straight into the rollups, once per idempotency key. */
@ApplicationScoped
public class AggregateRepository {

    /**
     * One statement, so atomic: claims each aggregate's receipt (app, minute, stream, key); the
     * cells of the aggregates whose receipt is new go into the minute, hour and day rollups
     * through the raw path's own function; answers how many aggregates were new. A key sent
     * twice in one request counts once (its first cells).
     */
    static final String RECORD = """
            with aggregate as (
                select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])
                    with ordinality as a(app_key, bucket, stream, idempotency_key, position)
            ),
            received as (
                insert into host_aggregate_receipt (app_key, bucket, stream, idempotency_key)
                select app_key, bucket, stream, idempotency_key from aggregate
                on conflict do nothing
                returning app_key, bucket, stream, idempotency_key
            ),
            first_of_key as (
                select distinct on (a.app_key, a.bucket, a.stream, a.idempotency_key) a.*
                from aggregate a join received r using (app_key, bucket, stream, idempotency_key)
                order by a.app_key, a.bucket, a.stream, a.idempotency_key, a.position
            ),
            applied as (
                select rampart_rollup_apply(coalesce(array_agg(row(f.app_key, f.bucket, f.stream, 0::bigint,
                           c.product, c.status_code, c.bin, c.total, c.good)::rampart_rollup_cell), '{}'))
                from unnest($5::bigint[], $6::text[], $7::int[], $8::int[], $9::bigint[], $10::bigint[])
                         as c(position, product, status_code, bin, total, good)
                join first_of_key f using (position)
            )
            select (select count(*) from received) as new_aggregates, (select count(*) from applied) as applied
            """;

    private final Pool pool;

    public AggregateRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores the aggregates whose key is new; answers how many were. */
    Uni<Integer> record(List<HostAggregate> aggregates) {
        List<Long> positions = new ArrayList<>();
        List<String> products = new ArrayList<>();
        List<Integer> statusCodes = new ArrayList<>();
        List<Integer> bins = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        List<Long> goods = new ArrayList<>();
        for (int i = 0; i < aggregates.size(); i++) {
            for (HostAggregate.Cell cell : aggregates.get(i).cells()) {
                positions.add(i + 1L);
                products.add(cell.product());
                statusCodes.add(cell.statusCode());
                bins.add(cell.bin());
                totals.add(cell.total());
                goods.add(cell.good());
            }
        }
        Tuple parameters = Tuple.from(Arrays.asList(
                aggregates.stream().map(HostAggregate::appKey).toArray(String[]::new),
                aggregates.stream().map(HostAggregate::minute).toArray(OffsetDateTime[]::new),
                aggregates.stream().map(a -> a.stream().name()).toArray(String[]::new),
                aggregates.stream().map(HostAggregate::idempotencyKey).toArray(String[]::new),
                positions.toArray(Long[]::new), products.toArray(String[]::new), statusCodes.toArray(Integer[]::new),
                bins.toArray(Integer[]::new), totals.toArray(Long[]::new), goods.toArray(Long[]::new)));
        return pool.preparedQuery(RECORD).execute(parameters)
                .map(rows -> rows.iterator().next().getLong("new_aggregates").intValue());
    }
}
