package io.rampart.sli.fleet;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.rampart.sli.api.Caller;
import io.rampart.sli.status.StatusPageResource;
import io.rampart.store.error.Refusal;
import io.rampart.store.http.RefusalAnswer;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;
import java.util.function.Function;

/**
 * The operators' page of the fleet (docs/fleet.md): every app by error budget left, over a rolling
 * 28 days or a calendar month or quarter, for admin and statuspage sign-ins (the status page's
 * cookie); a vendor is refused, an anonymous visitor signs in first.
 */
@Path("/fleet")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@APIResponse(responseCode = "400", description = "A refusal page: a parameter is invalid")
@APIResponse(responseCode = "503", description = "A refusal page: the database is unreachable")
@APIResponse(responseCode = "303", description = "Not signed in: to the sign-in form")
@APIResponse(responseCode = "403", description = "A refusal page: the token is not an operator's")
public class FleetPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(FleetView view);

        static native TemplateInstance refusal(String title, String detail);
    }

    private final FleetViews views;
    private final ComplianceService compliance;
    private final CurrentIdentityAssociation identities;

    public FleetPageResource(FleetViews views, ComplianceService compliance, CurrentIdentityAssociation identities) {
        this.views = views;
        this.compliance = compliance;
        this.identities = identities;
    }

    @GET
    @APIResponse(responseCode = "200", description = "The fleet page")
    public Uni<Response> page(@QueryParam("period") String period, @QueryParam("sli") String sli,
            @QueryParam("belowSlo") String belowSlo, @QueryParam("prefix") String prefix,
            @QueryParam("product") String product, @QueryParam("cursor") String cursor) {
        return operator(visitor -> views.view(FleetView.Filters.of(period, sli, belowSlo, prefix, product), cursor,
                        Instant.now(), visitor.hasRole(Caller.ADMIN))
                .map(view -> Response.ok(Templates.page(view)).build()));
    }

    /** The compliance CSV of the page's period, as {@code GET /api/v1/fleet/compliance?format=csv} answers it. */
    @GET
    @Path("/compliance.csv")
    @Produces({ComplianceCsv.MEDIA_TYPE, MediaType.TEXT_HTML})
    @APIResponse(responseCode = "200", description = "The compliance CSV of the page's period")
    public Uni<Response> csv(@QueryParam("period") String period) {
        return operator(visitor -> {
            FleetView.Filters filters = FleetView.Filters.of(period, null, null, null, null);
            return compliance.compliance(filters.calendarPeriod(), filters.rollingWindow(), null, null, Instant.now()).map(answer -> Response.ok(ComplianceCsv.write(answer), ComplianceCsv.MEDIA_TYPE + "; charset=utf-8")
                        .header("Content-Disposition", "attachment; filename=\"compliance-" + answer.period() + ".csv\"")
                        .build());
        });
    }

    /** The answer for an admin or statuspage sign-in; a refusal page for others, the sign-in form for anonymous visitors. */
    private Uni<Response> operator(Function<SecurityIdentity, Uni<? extends Response>> answer) {
        return identities.getDeferredIdentity().onFailure().recoverWithNull().chain(visitor -> {
            if (visitor == null || visitor.isAnonymous()) {
                return Uni.createFrom().item(Response.seeOther(StatusPageResource.signInUri(null, true)).build());
            }
            if (!isOperator(visitor)) {
                return Uni.createFrom().item(refusal(Response.Status.FORBIDDEN, "Not an operator",
                        "The fleet page is for the programme's operators: this token may read its own apps' status pages only."));
            }
            return Uni.createFrom().<Response>deferred(() -> answer.apply(visitor)).onFailure(Refusal.class).recoverWithItem(failure -> {
                Refusal refused = (Refusal) failure;
                return refusal(Response.Status.fromStatusCode(RefusalAnswer.status(refused.kind())), "No fleet page", refused.detail());
            });
        });
    }

    private static boolean isOperator(SecurityIdentity visitor) {
        return visitor.hasRole(Caller.ADMIN) || visitor.hasRole(Caller.STATUSPAGE);
    }

    private static Response refusal(Response.Status status, String title, String detail) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(Templates.refusal(title, detail)).build();
    }
}
