package io.rampart.ingest.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.rampart.ingest.metrics.IngestMetrics;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Locale;

/** Turns every refusal into the JSON error of DESIGN.md and counts it by reason. */
public class ApiExceptionMappers {

    private final IngestMetrics metrics;

    public ApiExceptionMappers(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response refused(ApiException e) {
        metrics.rejected(e.body().error());
        Response.ResponseBuilder answer = Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(e.body());
        if (e.retryAfterSeconds() != null) {
            answer.header("Retry-After", e.retryAfterSeconds());
        }
        return answer.build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated() {
        return refused(ApiException.unauthorized("a valid platform token (Authorization: Bearer) is required"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return refused(ApiException.forbidden("the platform token is not of the group host"));
    }

    /**
     * Unknown paths, wrong methods, unreadable Accept headers: the framework's status, with our body
     * instead of its own page (HTML in dev and test, nothing in production).
     */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return Response.status(e.getResponse().getStatus()).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(reason.toLowerCase(Locale.ROOT).replace(' ', '_'), reason)).build();
    }
}
