package io.rampart.sli.api;

import io.quarkus.security.identity.SecurityIdentity;
import io.rampart.store.error.Refusal;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.Set;

/**
 * Who calls, by the groups of the platform JWT: {@code admin} may do everything, {@code vendor}
 * only read the apps of its {@code app_keys} claim, {@code statuspage} read every app's SLIs.
 */
@RequestScoped
public class Caller {

    public static final String ADMIN = "admin";
    public static final String VENDOR = "vendor";
    public static final String STATUSPAGE = "statuspage";

    private final SecurityIdentity identity;
    private final JsonWebToken token;

    public Caller(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    /** Refuses (403) a caller that may not read the SLIs of this app. */
    public void requireSliReader(String appKey) {
        if (identity.hasRole(ADMIN) || identity.hasRole(STATUSPAGE)) {
            return;
        }
        if (identity.hasRole(VENDOR) && appKeys().contains(appKey)) {
            return;
        }
        throw Refusal.forbidden("the platform token may not read the app " + appKey);
    }

    /** Refuses (403) a caller other than admin or the app's own vendor: who manages an app's notification channels. */
    public void requireAppManager(String appKey) {
        if (identity.hasRole(ADMIN) || identity.hasRole(VENDOR) && appKeys().contains(appKey)) {
            return;
        }
        throw Refusal.forbidden("the platform token may not manage the app " + appKey);
    }

    /** Whether the caller is an admin: who sees the platform's own incidents (docs/alerts.md, "No-data rules"). */
    public boolean isAdmin() {
        return identity.hasRole(ADMIN);
    }

    /** Whether the caller may see the sites (customer installations) of the app's events: its vendor and admins. */
    public boolean maySeeSites(String appKey) {
        return isAdmin() || identity.hasRole(VENDOR) && appKeys().contains(appKey);
    }

    /** Who calls, as an acknowledgement records it: the token's upn, else its subject. */
    public String name() {
        String upn = token.getClaim("upn");
        return upn != null ? upn : token.getSubject() != null ? token.getSubject() : identity.getPrincipal().getName();
    }

    private Set<String> appKeys() {
        Object claim = token.getClaim("app_keys");
        if (claim instanceof Collection<?> keys) {
            return keys.stream().map(Caller::claimString).collect(java.util.stream.Collectors.toSet());
        }
        return claim == null ? Set.of() : Set.of(claimString(claim));
    }

    private static String claimString(Object value) {
        // JSON strings in claims arrive as jakarta.json.JsonString, whose toString() is quoted.
        return value instanceof jakarta.json.JsonString json ? json.getString() : String.valueOf(value);
    }
}
