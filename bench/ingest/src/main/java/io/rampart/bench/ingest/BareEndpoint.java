package io.rampart.bench.ingest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The same request as the Metric Publish API (method, path, body read whole, small JSON answer)
 * with nothing done: what one Quarkus process on this machine answers at most.
 */
@Path("/rest/atlassian-connect/latest/addons-metrics/{appKey}/publish")
public class BareEndpoint {

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public String publish(@PathParam("appKey") String appKey, byte[] body) {
        return "{\"accepted\":1,\"duplicates\":0}";
    }
}
