package io.rampart.sli.indicator;

import io.rampart.sli.api.Answers;
import io.rampart.sli.api.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;

/** The SLIs of an app: admin and statuspage read every app, a vendor the apps of its token. */
@Path("/api/v1/apps/{appKey}/slis")
@RolesAllowed({Caller.ADMIN, Caller.VENDOR, Caller.STATUSPAGE})
@APIResponse(responseCode = "404", description = Answers.UNKNOWN_APP)
public class SliResource {

    private final SliService slis;
    private final Caller caller;

    public SliResource(SliService slis, Caller caller) {
        this.slis = slis;
        this.caller = caller;
    }

    @GET
    @APIResponse(responseCode = "200", description = "Every SLI of the app with its SLO, error budget, burn rates and the adjustments applied")
    public Uni<SliSummary> summary(@PathParam("appKey") String appKey, @QueryParam("window") String window,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("target") String target,
            @QueryParam("webhookPolicy") String webhookPolicy, @QueryParam("quantile") String quantile,
            @QueryParam("location") String location, @QueryParam("adjustments") String adjustments,
            @QueryParam("availabilityPolicy") String availabilityPolicy, @QueryParam("lifecycleScope") String lifecycleScope) {
        caller.requireSliReader(appKey);
        return slis.summary(appKey, new SliService.Query(window, from, to, target, webhookPolicy, quantile, adjustments,
                        availabilityPolicy, lifecycleScope),
                location,
                Instant.now());
    }

    @GET
    @Path("/{sliId}/series")
    @APIResponse(responseCode = "200", description = "The SLI per step over the range")
    public Uni<SliSeries> series(@PathParam("appKey") String appKey, @PathParam("sliId") String sliId,
            @QueryParam("window") String window, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("step") String step, @QueryParam("target") String target,
            @QueryParam("webhookPolicy") String webhookPolicy, @QueryParam("quantile") String quantile,
            @QueryParam("location") String location, @QueryParam("adjustments") String adjustments,
            @QueryParam("availabilityPolicy") String availabilityPolicy, @QueryParam("lifecycleScope") String lifecycleScope) {
        caller.requireSliReader(appKey);
        return slis.series(appKey, sliId, new SliService.Query(window, from, to, target, webhookPolicy, quantile,
                adjustments, availabilityPolicy, lifecycleScope), step, location, Instant.now());
    }
}
