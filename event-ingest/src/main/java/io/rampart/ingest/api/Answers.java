package io.rampart.ingest.api;

import io.rampart.store.http.CommonAnswers;

import java.util.List;
import java.util.Map;

/**
 * The OpenAPI filter ({@code mp.openapi.filter}) that declares the refusals every ingest operation
 * can give (docs/ingest.md, "Answers"); each resource declares with {@code @APIResponse} its success
 * and the refusals of its own token and apps.
 */
public final class Answers extends CommonAnswers {

    public Answers() {
        super(Map.of("400", "invalid_body or invalid_item, naming the item and the field; nothing stored",
                        "406", "The request accepts no JSON answer",
                        "503", "The write did not commit, the queue is full or the service is stopping; Retry-After: 1,"
                                + " nothing acknowledged"),
                List.of(), Map.of(),
                Map.of("413", "More items or body bytes than the configured maximum"));
    }
}
