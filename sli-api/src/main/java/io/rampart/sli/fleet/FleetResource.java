package io.rampart.sli.fleet;

import io.rampart.sli.api.Caller;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;

/** The fleet: every app by error budget left, and the programme's compliance per period (admin and statuspage). */
@Path("/api/v1/fleet")
@RolesAllowed({Caller.ADMIN, Caller.STATUSPAGE})
public class FleetResource {

    private final FleetService fleet;
    private final ComplianceService compliance;

    public FleetResource(FleetService fleet, ComplianceService compliance) {
        this.fleet = fleet;
        this.compliance = compliance;
    }

    @GET
    @Path("/slis")
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "One page of apps sorted by error budget left, and the cursor of the next")
    public Uni<FleetPage> slis(@QueryParam("window") String window, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("sli") String sli, @QueryParam("belowSlo") String belowSlo,
            @QueryParam("prefix") String prefix, @QueryParam("product") String product,
            @QueryParam("webhookPolicy") String webhookPolicy, @QueryParam("quantile") String quantile,
            @QueryParam("adjustments") String adjustments, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return fleet.page(new FleetService.Query(window, from, to, sli, flag("belowSlo", belowSlo), prefix, product,
                webhookPolicy, quantile, adjustments, number("limit", limit), cursor), Instant.now());
    }

    @GET
    @Path("/compliance")
    @Produces({MediaType.APPLICATION_JSON, ComplianceCsv.MEDIA_TYPE})
    @APIResponse(responseCode = "200", description = "Compliance per app and SLO for the period, in JSON or RFC 4180 CSV")
    @APIResponse(responseCode = "406", description = "The request accepts neither JSON nor CSV")
    public Uni<Response> compliance(@QueryParam("period") String period, @QueryParam("window") String window,
            @QueryParam("adjustments") String adjustments, @QueryParam("format") String format,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        boolean csv = csv(format, accept);
        return compliance.compliance(period, window, null, adjustments, Instant.now()).map(answer -> csv
                ? Response.ok(ComplianceCsv.write(answer), ComplianceCsv.MEDIA_TYPE + "; charset=utf-8")
                        .header("Content-Disposition", "attachment; filename=\"compliance-" + answer.period() + ".csv\"").build()
                : Response.ok(answer, MediaType.APPLICATION_JSON).build());
    }

    /** {@code format=csv} or {@code format=json}; without it, CSV when the caller accepts text/csv and not JSON first. */
    static boolean csv(String format, String accept) {
        if (format != null) {
            if (!format.equals("csv") && !format.equals("json")) {
                throw Refusal.invalid("format", "csv or json");
            }
            return format.equals("csv");
        }
        return accept != null && accept.contains(ComplianceCsv.MEDIA_TYPE) && !accept.startsWith(MediaType.APPLICATION_JSON);
    }

    private static boolean flag(String field, String text) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw Refusal.invalid(field, "true or false");
    }

    private static Integer number(String field, String text) {
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-9]{1,6}")) {
            throw Refusal.invalid(field, "a whole number");
        }
        return Integer.valueOf(text);
    }
}
