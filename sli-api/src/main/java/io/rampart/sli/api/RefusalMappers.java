package io.rampart.sli.api;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.rampart.store.error.ErrorBody;
import io.rampart.store.error.Refusal;
import io.rampart.store.http.RefusalAnswer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.handlers.FormBodyHandler;

import java.net.ConnectException;

/**
 * The one place the service turns a {@link Refusal}, the framework's own refusals and every
 * failure into the status and JSON error of DESIGN.md.
 */
public class RefusalMappers {

    private static final Logger LOG = Logger.getLogger(RefusalMappers.class);

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        return RefusalAnswer.of(e);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated() {
        return refused(Refusal.unauthenticated("a valid platform token (Authorization: Bearer) is required"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return refused(Refusal.forbidden("the platform token's group may not do this"));
    }

    /**
     * JSON of the wrong shape (an object where a string belongs, "yes" for a boolean): Quarkus' own
     * mapper answers it with an empty body in production and one quoting the value in dev and test.
     */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field = e.getPath().isEmpty() || e.getPath().get(0).getFieldName() == null ? "body"
                : e.getPath().get(0).getFieldName();
        boolean unstorable = e instanceof InvalidFormatException invalid && invalid.getTargetType() == String.class;
        return refused(Refusal.invalid(field, unstorable ? StrictJson.UNSTORABLE : "not of the expected type"));
    }

    /** Malformed JSON, unknown paths, wrong methods: the framework's status with our body. */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return RefusalAnswer.framework(status, status.getStatusCode() == 400
                ? "the request body is not valid JSON of the expected shape" : status.getReasonPhrase());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (thrownReadingAForm(e)) {
            return refused(Refusal.invalid("body", "not a form: a broken %-escape, or more than 1000 fields"));
        }
        if (databaseUnreachable(e)) {
            LOG.warnf("request failed, the database is unreachable: %s", e.getClass().getName());
            return refused(Refusal.unavailable("the database is unreachable (restarting or failing over); try again"));
        }
        // Only the database's own messages are logged: a client-side message may quote a
        // statement's parameters, which can be sealed secrets.
        if (e instanceof PgException database) {
            LOG.errorf("request failed: SQL state %s: %s", database.getSqlState(), database.getErrorMessage());
        } else {
            LOG.errorf("request failed: %s", e.getClass().getName());
        }
        return Response.status(500).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody("internal_error", "the request could not be completed")).build();
    }

    /**
     * The connection to the database was cut or refused (a crash, a failover, a restart): the
     * pool connects again, so the client may retry. SQLSTATE class 08 (connection exception) and
     * 57P01-57P03 (shutdown, crash, cannot connect now) say the same from the server.
     */
    private static boolean databaseUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClosedConnectionException || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof PgException database && database.getSqlState() != null
                    && (database.getSqlState().startsWith("08") || database.getSqlState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * RESTEasy Reactive decodes a form body before the resource runs and fails on a broken escape
     * ({@code %zz}) or past 1000 fields with plain runtime exceptions: the client's fault, not ours.
     */
    private static boolean thrownReadingAForm(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals(FormBodyHandler.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
