package io.rampart.store.sli;

import io.rampart.store.event.Product;

import java.util.Optional;

/**
 * Which webhook deliveries count as good. Raw outcomes are stored and the policy is applied
 * when reading, so a change of policy applies to past deliveries too.
 */
public enum WebhookPolicy implements WireValue {
    /** 200 or 204 is good, for every product. */
    NORMALIZED("normalized"),
    /** As the products historically measured: Jira counts any response, Confluence any 2xx. */
    PER_PRODUCT("per-product");

    private final String wireValue;

    WebhookPolicy(String wireValue) {
        this.wireValue = wireValue;
    }

    @Override
    public String wireValue() {
        return wireValue;
    }

    /**
     * Whether a delivery is good under this policy.
     *
     * @param statusCode the app's answer, or {@code null} where the app was not reached
     */
    public boolean isGood(Product product, Integer statusCode) {
        if (statusCode == null) {
            return false;
        }
        return switch (this) {
            case NORMALIZED -> statusCode == 200 || statusCode == 204;
            case PER_PRODUCT -> product == Product.JIRA || statusCode / 100 == 2;
        };
    }

    /** The policy with this wire value; empty for null or an unknown value. */
    public static Optional<WebhookPolicy> find(String value) {
        return WireValue.find(WebhookPolicy.class, value);
    }
}
