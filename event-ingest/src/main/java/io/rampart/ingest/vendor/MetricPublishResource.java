package io.rampart.ingest.vendor;

import io.rampart.ingest.connect.ConnectJwtVerifier;
import io.rampart.ingest.event.WriteOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The vendors' Metric Publish API, wire-compatible with Atlassian Connect's. */
@Path("/rest/atlassian-connect/latest/addons-metrics/{appKey}/publish")
@PermitAll
public class MetricPublishResource {

    private static final String JWT_SCHEME = "JWT ";

    private final MetricPublisher publisher;

    public MetricPublishResource(MetricPublisher publisher) {
        this.publisher = publisher;
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish iframe and synthetic check metrics of an app (Connect JWT of the app)")
    @APIResponse(responseCode = "200", description = "{accepted, duplicates}: every item stored, or found stored already")
    @APIResponse(responseCode = "401", description = "No Connect JWT, one that fails a check, or any token on the path of an unregistered app")
    @APIResponse(responseCode = "403", description = "A valid JWT of another app, or the app is disabled")
    @APIResponse(responseCode = "404", description = "The path holds no app key (e.g. \".\", which the path's normalisation removes)")
    @APIResponse(responseCode = "429", description = "The app is past its rate; Retry-After in whole seconds")
    public Uni<WriteOutcome> publish(@PathParam("appKey") String appKey,
                                     @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                     @Context HttpServerRequest request, byte[] body) {
        Map<String, List<String>> query = request.params().isEmpty() ? Map.of() : request.params().names().stream()
                .collect(Collectors.toMap(name -> name, name -> request.params().getAll(name)));
        return publisher.publish(appKey, token(authorization, query),
                new ConnectJwtVerifier.Request(request.method().name(), request.path(), query), body);
    }

    private static String token(String authorization, Map<String, List<String>> query) {
        if (authorization != null && authorization.regionMatches(true, 0, JWT_SCHEME, 0, JWT_SCHEME.length())) {
            return authorization.substring(JWT_SCHEME.length()).trim();
        }
        List<String> fromQuery = query.get("jwt");
        return fromQuery == null || fromQuery.isEmpty() ? null : fromQuery.get(0);
    }
}
