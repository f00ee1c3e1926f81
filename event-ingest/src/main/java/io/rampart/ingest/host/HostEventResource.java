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
    public Uni<WriteOutcome> record(byte[] body) {
        return ingest.ingest(body);
    }
}
