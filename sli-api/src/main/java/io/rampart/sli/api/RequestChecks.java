package io.rampart.sli.api;

import io.rampart.store.error.Refusal;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.common.util.MediaTypeHelper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;

/** Refusals every request gets before a resource runs, so that no operation does its work and then fails to answer. */
public class RequestChecks {

    /**
     * An Accept header that is not a list of media types: RESTEasy Reactive parses it only to
     * write the answer, after the operation has done its work (an app created, then a 500).
     */
    @ServerRequestFilter(preMatching = true)
    public void acceptHeader(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null) {
            return;
        }
        try {
            MediaTypeHelper.parseHeader(accept);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(HttpHeaders.ACCEPT, "not a list of media types");
        }
    }

    /** Path and query parameters with text PostgreSQL cannot store (a NUL in an app key answered 500). */
    @ServerRequestFilter
    public void parameterText(ContainerRequestContext request) {
        refuseUnstorable(request.getUriInfo().getPathParameters());
        refuseUnstorable(request.getUriInfo().getQueryParameters());
    }

    private static void refuseUnstorable(MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (!UnicodeText.storable(parameter.getKey()) || !parameter.getValue().stream().allMatch(UnicodeText::storable)) {
                throw Refusal.invalid(parameter.getKey(), "valid Unicode without the NUL character");
            }
        }
    }
}
