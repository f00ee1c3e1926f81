package io.rampart.sli.alert;

import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An app's incidents as the incidents API answers them, newest first, with the state of their
 * notifications: checks the query, hides the admin-only rules' incidents from everyone but admins,
 * and refuses an unknown app or incident.
 */
@ApplicationScoped
public class IncidentService {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final IncidentRepository incidents;

    public IncidentService(IncidentRepository incidents) {
        this.incidents = incidents;
    }

    /** The rules whose incidents a caller does not see: the admin-only ones for everyone but admins. */
    static String[] hiddenRules(boolean admin) {
        return admin ? new String[0] : NoDataRules.ADMIN_ONLY.toArray(String[]::new);
    }

    /**
     * @param status {@code open}, {@code resolved} or null for both
     * @param admin  whether the admin-only rules' incidents are listed too
     */
    public Uni<List<IncidentView>> list(String appKey, String status, Integer limit, boolean admin) {
        String wanted = status == null ? null : IncidentStatus.find(status)
                .orElseThrow(() -> Refusal.invalid("status", "one of open, resolved")).name();
        int rows = limit == null ? DEFAULT_LIMIT : limit;
        if (rows < 1 || rows > MAX_LIMIT) {
            throw Refusal.invalid("limit", "1 to " + MAX_LIMIT);
        }
        return incidents.appKnown(appKey)
                .chain(known -> {
                    if (!known) {
                        throw Refusal.notFound("no app " + appKey);
                    }
                    return incidents.list(appKey, wanted, rows, hiddenRules(admin));
                });
    }

    /** One incident of the app (404 for an unknown app or incident, and for an admin-only one unless {@code admin}). */
    public Uni<IncidentView> one(String appKey, UUID incidentId, boolean admin) {
        return incidents.one(appKey, incidentId, hiddenRules(admin))
                .map(found -> {
                    if (found.isEmpty()) {
                        throw Refusal.notFound("the app " + appKey + " has no incident " + incidentId);
                    }
                    return found.get(0);
                });
    }

    /**
     * Acknowledges an open incident for {@code who}: its pending reminders are cancelled and no
     * more are queued. The first acknowledgement is kept; 404 for an unknown incident, 409 for a
     * resolved one.
     */
    public Uni<Void> acknowledge(String appKey, UUID incidentId, String who, Instant now) {
        return incidents.acknowledge(appKey, incidentId, who, now);
    }
}
