package io.rampart.ingest.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.rampart.ingest.metrics.IngestMetrics;
import io.rampart.store.error.Refusal;
import io.rampart.store.http.RefusalAnswer;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place the service turns a {@link Refusal} (and the framework's own refusals) into the
 * status and JSON error of DESIGN.md; counts each by reason.
 */
public class RefusalMappers {

    private final IngestMetrics metrics;

    public RefusalMappers(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        metrics.rejected(e.code());
        return RefusalAnswer.of(e);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated() {
        return refused(Refusal.unauthenticated("a valid platform token (Authorization: Bearer) is required"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return refused(Refusal.forbidden("the platform token is not of the group host"));
    }

    /**
     * Unknown paths, wrong methods, unreadable Accept headers: the framework's status, with our body
     * instead of its own page (HTML in dev and test, nothing in production).
     */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        return RefusalAnswer.framework(e.getResponse().getStatusInfo(), e.getResponse().getStatusInfo().getReasonPhrase());
    }
}
