package io.rampart.sli.location;

import io.rampart.sli.api.Caller;
import io.rampart.sli.location.ProbeLocationRepository.AppLocations;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an app is probed from and its quorum rule (docs/slis.md, "Probe locations and the quorum
 * rule"): {@code {"probeLocations": ["eu-west", "us-east"] or null, "quorum": "any"|"quorum"|"all"}};
 * null locations: every location with a live prober replica.
 */
@Path("/api/v1/apps/{appKey}/probe-locations")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR})
public class AppProbeLocationResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> RULES = Set.of("any", "quorum", "all");
    private static final int MAX_LOCATIONS = 16;

    private final ProbeLocationRepository locations;
    private final Caller caller;

    public AppProbeLocationResource(ProbeLocationRepository locations, Caller caller) {
        this.locations = locations;
        this.caller = caller;
    }

    @GET
    public Uni<AppLocations> get(@PathParam("appKey") String appKey) {
        caller.requireAppManager(appKey);
        return locations.ofApp(appKey).map(found -> found(appKey, found));
    }

    @PUT
    public Uni<AppLocations> set(@PathParam("appKey") String appKey, AppLocations request) {
        caller.requireAppManager(appKey);
        if (request == null) {
            throw Refusal.invalid("body", "{\"probeLocations\": [...] or null, \"quorum\": \"any\"|\"quorum\"|\"all\"}");
        }
        String quorum = request.quorum() == null ? "quorum" : request.quorum();
        if (!RULES.contains(quorum)) {
            throw Refusal.invalid("quorum", "one of any, quorum, all");
        }
        List<String> listed = request.probeLocations();
        if (listed != null && (listed.isEmpty() || listed.size() > MAX_LOCATIONS
                || !listed.stream().allMatch(name -> name != null && NAME.matcher(name).matches())
                || new HashSet<>(listed).size() != listed.size())) {
            throw Refusal.invalid("probeLocations", "null, or 1 to " + MAX_LOCATIONS
                    + " distinct names of letters, digits, '.', '_' or '-'");
        }
        return locations.set(appKey, new AppLocations(listed, quorum)).map(found -> found(appKey, found));
    }

    private static AppLocations found(String appKey, AppLocations found) {
        if (found == null) {
            throw Refusal.notFound("no app " + appKey);
        }
        return found;
    }
}
