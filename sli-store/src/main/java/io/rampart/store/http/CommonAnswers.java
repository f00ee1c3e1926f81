package io.rampart.store.http;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;

import java.util.List;
import java.util.Map;

/**
 * Declares, in a service's OpenAPI document, the refusals that every operation of a kind can give
 * (a malformed header: 400; no token: 401; the database unreachable: 503), so that each resource
 * declares with {@code @APIResponse} only its own answers. An answer an operation declares itself
 * is kept. Each service names its answers in a subclass set as {@code mp.openapi.filter}.
 */
public abstract class CommonAnswers implements OASFilter {

    private final Map<String, String> everyOperation;
    private final List<String> securedPaths;
    private final Map<String, String> securedOperation;
    private final Map<String, String> withBody;

    /**
     * @param everyOperation   status to description, for every operation
     * @param securedPaths     the path prefixes of the operations that take a token
     * @param securedOperation status to description, for the operations under {@code securedPaths}
     * @param withBody         status to description, for the operations that take a body
     */
    protected CommonAnswers(Map<String, String> everyOperation, List<String> securedPaths,
            Map<String, String> securedOperation, Map<String, String> withBody) {
        this.everyOperation = everyOperation;
        this.securedPaths = securedPaths;
        this.securedOperation = securedOperation;
        this.withBody = withBody;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(operation -> {
            declare(operation, everyOperation);
            if (securedPaths.stream().anyMatch(path::startsWith)) {
                declare(operation, securedOperation);
            }
            if (operation.getRequestBody() != null) {
                declare(operation, withBody);
            }
        }));
    }

    private static void declare(Operation operation, Map<String, String> answers) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        answers.forEach((status, description) -> {
            if (operation.getResponses().getAPIResponse(status) == null) {
                operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().description(description));
            }
        });
    }
}
