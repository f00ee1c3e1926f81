package io.rampart.sli.export;

import io.rampart.sli.api.Caller;
import io.rampart.store.error.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.Date;
import java.util.Locale;

/**
 * Every app's SLIs for Prometheus to scrape, behind a platform token of the group admin or
 * statuspage (the figures of every app are not for anyone who can reach the port).
 */
@Path("/api/v1/metrics/slis")
@RolesAllowed({Caller.ADMIN, Caller.STATUSPAGE})
public class SliMetricsResource {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final SliExporter exporter;

    public SliMetricsResource(SliExporter exporter) {
        this.exporter = exporter;
    }

    @GET
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    @Operation(summary = "Every app's SLIs over 1 h and 28 d in the Prometheus text format (as last computed)")
    @APIResponse(responseCode = "200", description = "Every enabled app's SLIs in the Prometheus text format (or JSON)")
    @APIResponse(responseCode = "406", description = "The request accepts neither text/plain nor JSON")
    public Response scrape(@HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
        SliExporter.Exposition exposition = exporter.latest();
        if (exposition == null) {
            throw Refusal.unavailable("the SLI export is being computed for the first time", 5);
        }
        boolean gzip = acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
        Response.ResponseBuilder answer = Response.ok(gzip ? exposition.gzipped() : exposition.text(), CONTENT_TYPE)
                .header("Last-Modified", Date.from(exposition.refreshedAt())).header("Vary", HttpHeaders.ACCEPT_ENCODING);
        return gzip ? answer.header(HttpHeaders.CONTENT_ENCODING, "gzip").build() : answer.build();
    }
}
