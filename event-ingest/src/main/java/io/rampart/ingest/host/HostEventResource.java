package io.rampart.ingest.host;

import io.rampart.ingest.event.WriteOutcome;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Events the host observes about apps; only platform tokens of the group {@code host} may send them. */
@Path("/api/v1/host-events")
public class HostEventResource {

    private final HostEventIngest ingest;

    public HostEventResource(HostEventIngest ingest) {
        this.ingest = ingest;
    }

    @POST
    @RolesAllowed("host")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record iframe loads, lifecycle callbacks and webhook deliveries (platform token, group host)")
    @APIResponse(responseCode = "200", description = "{accepted, duplicates}: every item stored, or found stored already")
    @APIResponse(responseCode = "401", description = "No platform token, or one that fails a check")
    @APIResponse(responseCode = "403", description = "A platform token not of the group host, or an item of a disabled app")
    @APIResponse(responseCode = "404", description = "unknown_app: an item names no registered app")
    public Uni<WriteOutcome> record(byte[] body) {
        return ingest.ingest(body);
    }
}
