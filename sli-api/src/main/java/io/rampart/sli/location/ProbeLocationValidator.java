package io.rampart.sli.location;

import io.rampart.sli.location.ProbeLocationRepository.AppLocations;
import io.rampart.store.error.Refusal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for an app's probe locations and quorum rule (docs/slis.md, "Probe locations and
 * the quorum rule"), whether they come by {@code PUT .../probe-locations} or with the app's
 * {@code POST}/{@code PATCH}: a bad field is a refusal naming it and why.
 */
public final class ProbeLocationValidator {

    /** The rule of an app that names none. */
    public static final String DEFAULT_QUORUM = "quorum";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> RULES = Set.of("any", DEFAULT_QUORUM, "all");
    private static final int MAX_LOCATIONS = 16;

    private ProbeLocationValidator() {
    }

    /** A whole setting, as PUT takes it: an absent rule is {@link #DEFAULT_QUORUM}, null locations every live one. */
    public static AppLocations forSet(AppLocations request) {
        if (request == null) {
            throw Refusal.invalid("body", "{\"probeLocations\": [...] or null, \"quorum\": \"any\"|\"quorum\"|\"all\"}");
        }
        String quorum = quorum(request.quorum() == null ? DEFAULT_QUORUM : request.quorum());
        return new AppLocations(probeLocations(request.probeLocations()), quorum);
    }

    /** The rule as given (null stays null: the caller decides what absent means), if it is one of any, quorum, all. */
    public static String quorum(String quorum) {
        if (quorum != null && !RULES.contains(quorum)) {
            throw Refusal.invalid("quorum", "one of any, quorum, all");
        }
        return quorum;
    }

    /** The locations as given (null stays null), if they are 1 to 16 distinct names. */
    public static List<String> probeLocations(List<String> listed) {
        if (listed != null && (listed.isEmpty() || listed.size() > MAX_LOCATIONS
                || !listed.stream().allMatch(name -> name != null && NAME.matcher(name).matches())
                || new HashSet<>(listed).size() != listed.size())) {
            throw Refusal.invalid("probeLocations", "null, or 1 to " + MAX_LOCATIONS
                    + " distinct names of letters, digits, '.', '_' or '-'");
        }
        return listed;
    }
}
