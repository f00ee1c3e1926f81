package io.rampart.sli.adjustment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.store.sli.SliId;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the adjustments of one app take out of a time range: the occurrences applied (for the answer)
 * and, for the reader, groups of SLIs that lose the same minutes. Within one SLI the groups are
 * disjoint (a target's own minutes exclude those already taken from every target), so subtracting
 * each group's rollups once is exact.
 */
public record Exclusions(List<Applied> applied, List<Group> groups) {

    public static final Exclusions NONE = new Exclusions(List.of(), List.of());

    /** One applied occurrence of an adjustment, as the answers list it. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Applied(long id, String kind, Instant start, Instant end, String reason) {
    }

    /** Minutes [from, to) left out. */
    public record Interval(Instant from, Instant to) {
    }

    /** SLIs that leave out the same minutes: of every target (targetId null) or of one health check target. */
    public record Group(Set<SliId> slis, Long targetId, List<Interval> intervals) {
    }

    /** The occurrences that overlap [from, to). */
    public List<Applied> appliedWithin(Instant from, Instant to) {
        return applied.stream().filter(a -> a.start().isBefore(to) && a.end().isAfter(from)).toList();
    }
}
