package io.rampart.ingest.validation;

import io.rampart.ingest.api.ApiException;

/** The 400 answers of validation: which item, which field, and why. */
public final class InvalidItems {

    private InvalidItems() {
    }

    public static ApiException invalidItem(int index, String field, String why) {
        return new ApiException(400, "invalid_item", why).atItem(index, field);
    }

    public static ApiException invalidBody(String why) {
        return new ApiException(400, "invalid_body", why);
    }
}
