package io.rampart.sli.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Browser protections of the human pages (status and fleet): scripts, styles and forms only from this service (the
 * chart library is served locally), no framing, no caching of a signed-in page, no referrer to other sites.
 */
public class StatusPageHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @ServerResponseFilter
    public void protect(ContainerRequestContext request, ContainerResponseContext response) {
        if (!HumanPages.contains(request.getUriInfo().getPath())) {
            return;
        }
        response.getHeaders().putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with the
        // page's own forms, which the sign-in's Origin check (SameOrigin) must then refuse.
        response.getHeaders().putSingle("Referrer-Policy", "same-origin");
        response.getHeaders().putSingle("Cache-Control", "no-store");
    }
}
