package io.rampart.ingest.api;

import io.rampart.ingest.config.IngestConfig;
import io.rampart.ingest.validation.Payloads;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses a declared oversized body before it is read (a chunked one is measured once read). */
public class BodySizeFilter {

    private final IngestConfig config;
    private final Payloads payloads;

    public BodySizeFilter(IngestConfig config, Payloads payloads) {
        this.config = config;
        this.payloads = payloads;
    }

    @ServerRequestFilter(preMatching = true)
    public void refuseOversized(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !length.isBlank()) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                    throw payloads.tooLarge();
                }
            } catch (NumberFormatException e) {
                // The HTTP layer refuses a malformed Content-Length itself.
            }
        }
    }
}
