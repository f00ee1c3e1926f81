package io.rampart.sli.status;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.rampart.sli.api.Caller;
import io.rampart.sli.api.HumanPages;
import io.rampart.store.error.Refusal;
import io.rampart.store.http.RefusalAnswer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The human status page of an app and the sign-in of the human pages: a browser carries the
 * platform token in an HttpOnly cookie (read by the JWT mechanism, {@code mp.jwt.token.cookie}),
 * set for the status pages and the fleet page; a public page needs none.
 */
@Path("/status")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@APIResponse(responseCode = "400", description = "A refusal page: a parameter is invalid")
@APIResponse(responseCode = "503", description = "A refusal page: the database is unreachable")
public class StatusPageResource {

    private static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Set<String> READER_GROUPS = Set.of(Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE);
    /** The longest a browser keeps the sign-in cookie, whatever the token's own lifetime. */
    static final Duration MAX_COOKIE_AGE = Duration.ofHours(12);
    /** The paths the sign-in cookie is sent to: the human pages ({@link HumanPages}), never the API. */
    private static final List<String> COOKIE_PATHS = List.of("/fleet", "/status");
    /** The sign-in form's {@code page} that leads to the fleet page instead of an app's. */
    private static final String FLEET = "fleet";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(StatusPage page);

        static native TemplateInstance signIn(String app, boolean fleet, String problem);

        static native TemplateInstance refusal(String title, String detail, String app, boolean signedIn);
    }

    private final StatusPageService pages;
    private final AnonymousViews anonymousViews;
    private final CurrentIdentityAssociation identities;
    private final JWTParser tokens;
    private final String cookieName;

    public StatusPageResource(StatusPageService pages, AnonymousViews anonymousViews,
            CurrentIdentityAssociation identities, JWTParser tokens,
            @ConfigProperty(name = "mp.jwt.token.cookie") String cookieName) {
        this.pages = pages;
        this.anonymousViews = anonymousViews;
        this.identities = identities;
        this.tokens = tokens;
        this.cookieName = cookieName;
    }

    @GET
    @Path("/sign-in")
    @APIResponse(responseCode = "200", description = "The sign-in form")
    public TemplateInstance signInForm(@QueryParam("app") String app, @QueryParam("page") String page) {
        return Templates.signIn(appKeyOrNull(app), FLEET.equals(page), null);
    }

    /** Checks the token (signature, expiry, group), sets it as the session cookie and goes to the app's page (or the fleet's). */
    @POST
    @Path("/sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking // the token's key may be read from a file
    @APIResponse(responseCode = "303", description = "Signed in: to the app's status page or the fleet page")
    @APIResponse(responseCode = "401", description = "The form again: the token is not valid or has expired")
    @APIResponse(responseCode = "403", description = "The form again: sent from another site, or the token may not read status pages")
    @APIResponse(responseCode = "415", description = "The body is not a form")
    @APIResponse(responseCode = "413", description = "The form is larger than allowed")
    public Response signIn(@FormParam("token") String token, @FormParam("app") String app,
            @FormParam("page") String page, @HeaderParam("Origin") String origin, @HeaderParam("Host") String host) {
        String appKey = appKeyOrNull(app);
        boolean fleet = FLEET.equals(page);
        if (!SameOrigin.sentFrom(origin, host)) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity(Templates.signIn(appKey, fleet, "This form was not sent from this site's own sign-in page.")).build();
        }
        JsonWebToken jwt;
        try {
            jwt = tokens.parse(token == null ? "" : token.strip());
        } catch (ParseException e) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .entity(Templates.signIn(appKey, fleet, "This token is not a valid platform token, or it has expired.")).build();
        }
        if (jwt.getGroups().stream().noneMatch(READER_GROUPS::contains)) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity(Templates.signIn(appKey, fleet, "This token may not read status pages.")).build();
        }
        long lifetime = Math.max(0, jwt.getExpirationTime() - Instant.now().getEpochSecond());
        URI next = fleet ? URI.create("/fleet") : appKey == null ? URI.create("/status/sign-in") : HumanPages.statusPage(appKey);
        return Response.seeOther(next)
                .cookie(sessionCookies(jwt.getRawToken(), (int) Math.min(lifetime, MAX_COOKIE_AGE.toSeconds()))).build();
    }

    @POST
    @Path("/sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @APIResponse(responseCode = "303", description = "Signed out: to the sign-in form")
    @APIResponse(responseCode = "403", description = "A refusal page: sent from another site")
    @APIResponse(responseCode = "415", description = "The body is not a form")
    @APIResponse(responseCode = "413", description = "The form is larger than allowed")
    public Response signOut(@FormParam("app") String app, @FormParam("page") String page,
            @HeaderParam("Origin") String origin, @HeaderParam("Host") String host) {
        String appKey = appKeyOrNull(app);
        if (!SameOrigin.sentFrom(origin, host)) {
            return refusal(Response.Status.FORBIDDEN, "Not signed out",
                    "This form was not sent from this site's own status page.", appKey, false);
        }
        URI next = FLEET.equals(page) ? signInUri(null, true)
                : appKey == null ? URI.create("/status/sign-in") : signInUri(appKey, false);
        return Response.seeOther(next).cookie(sessionCookies("", 0)).build();
    }

    /**
     * The page: for a caller who may read the app's SLIs (the SLI API's rule), or for anyone when
     * the app's page is public; an anonymous visitor of a private page signs in first.
     */
    @GET
    @Path("/{appKey}")
    @APIResponse(responseCode = "200", description = "The status page")
    @APIResponse(responseCode = "303", description = "A private page and no sign-in: to the sign-in form")
    @APIResponse(responseCode = "403", description = "A refusal page: the token may not read this app")
    @APIResponse(responseCode = "404", description = "A refusal page: no such app")
    @APIResponse(responseCode = "429", description = "A refusal page: this address viewed status pages too often; Retry-After in seconds")
    public Uni<Response> page(@PathParam("appKey") String appKey, @QueryParam("range") String range,
            @Context HttpServerRequest request) {
        StatusRange chosen = StatusRange.fromParameter(range);
        return visitor().chain(visitor -> {
            boolean signedIn = visitor != null && !visitor.isAnonymous();
            if (!signedIn) {
                long retryAfter = anonymousViews.take(request.remoteAddress().hostAddress());
                if (retryAfter > 0) {
                    return Uni.createFrom().item(Response.fromResponse(refusal(Response.Status.TOO_MANY_REQUESTS,
                                    "Too many views", "This address viewed status pages too often. Try again in "
                                            + retryAfter + " s.", appKey, false))
                            .header("Retry-After", Long.toString(retryAfter)).build());
                }
            }
            if (signedIn && mayRead(visitor, appKey)) {
                return render(appKey, chosen, true, maySeeSites(visitor, appKey));
            }
            return pages.isPublic(appKey).chain(isPublic -> {
                if (isPublic) {
                    return render(appKey, chosen, signedIn, signedIn && maySeeSites(visitor, appKey));
                }
                if (!signedIn) {
                    return Uni.createFrom().item(Response.seeOther(signInUri(appKey, false)).build());
                }
                // The same answer whether the app exists or not, so that app keys do not leak.
                return Uni.createFrom().item(refusal(Response.Status.FORBIDDEN, "Not your app",
                        "You are signed in with a token that may not read the status of " + appKey + ".", appKey, true));
            });
        });
    }

    /** The page; {@code seesSites}: the visitor is the app's vendor or an admin, who see customer sites. */
    private Uni<Response> render(String appKey, StatusRange range, boolean signedIn, boolean seesSites) {
        return pages.page(appKey, range, Instant.now())
                .map(page -> Response.ok(Templates.page(page.forViewer(signedIn, seesSites))).build())
                .onFailure(Refusal.class).recoverWithItem(failure -> {
                    Refusal refused = (Refusal) failure;
                    return refusal(Response.Status.fromStatusCode(RefusalAnswer.status(refused.kind())), "No status page",
                            refused.detail(), appKey, signedIn);
                });
    }

    /** The caller; null when its token no longer verifies (expired cookie), which reads as not signed in. */
    private Uni<SecurityIdentity> visitor() {
        return identities.getDeferredIdentity().onFailure().recoverWithNull();
    }

    /** The SLI API's read rule ({@link Caller}), applied to the identity resolved here. */
    private static boolean mayRead(SecurityIdentity visitor, String appKey) {
        if (!(visitor.getPrincipal() instanceof JsonWebToken token)) {
            return false;
        }
        try {
            new Caller(visitor, token).requireSliReader(appKey);
            return true;
        } catch (Refusal refused) {
            return false;
        }
    }

    /** The breakdown's site rule ({@link Caller#maySeeSites}): the app's vendor and admins. */
    private static boolean maySeeSites(SecurityIdentity visitor, String appKey) {
        return visitor.getPrincipal() instanceof JsonWebToken token && new Caller(visitor, token).maySeeSites(appKey);
    }

    private Response refusal(Response.Status status, String title, String detail, String appKey, boolean signedIn) {
        return Response.status(status).entity(Templates.refusal(title, detail, appKeyOrNull(appKey), signedIn)).build();
    }

    /** The sign-in cookie once per human page path, so that no other path (the API) is sent it. */
    private NewCookie[] sessionCookies(String value, int maxAgeSeconds) {
        return COOKIE_PATHS.stream().map(path -> new NewCookie.Builder(cookieName).value(value).path(path)
                .maxAge(maxAgeSeconds).secure(true).httpOnly(true).sameSite(NewCookie.SameSite.STRICT).build())
                .toArray(NewCookie[]::new);
    }

    /** The sign-in form, leading back to the app's page or to the fleet page. */
    public static URI signInUri(String appKey, boolean fleet) {
        UriBuilder form = UriBuilder.fromPath("/status/sign-in");
        return fleet ? form.queryParam("page", FLEET).build() : form.queryParam("app", appKey).build();
    }

    private static String appKeyOrNull(String app) {
        return app != null && APP_KEY.matcher(app).matches() ? app : null;
    }
}
