package io.rampart.ingest.validation;

import io.rampart.store.error.Refusal;

/** The 400 answers of validation: which item, which field, and why. */
public final class InvalidItems {

    private InvalidItems() {
    }

    public static Refusal invalidItem(int index, String field, String why) {
        return new Refusal(Refusal.Kind.INVALID, "invalid_item", why).atItem(index, field);
    }

    public static Refusal invalidBody(String why) {
        return new Refusal(Refusal.Kind.INVALID, "invalid_body", why);
    }
}
