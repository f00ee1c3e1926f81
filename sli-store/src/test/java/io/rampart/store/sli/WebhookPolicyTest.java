package io.rampart.store.sli;

import org.junit.jupiter.api.Test;

import static io.rampart.store.event.Product.CONFLUENCE;
import static io.rampart.store.event.Product.JIRA;
import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN.md's webhook policy: normalized counts 200/204; per-product keeps Jira's and Confluence's old rules. */
class WebhookPolicyTest {

    @Test
    void normalizedCountsOnly200And204AsGoodForEveryProduct() {
        for (var product : new io.rampart.store.event.Product[] {JIRA, CONFLUENCE}) {
            assertThat(WebhookPolicy.NORMALIZED.isGood(product, 200)).isTrue();
            assertThat(WebhookPolicy.NORMALIZED.isGood(product, 204)).isTrue();
            assertThat(WebhookPolicy.NORMALIZED.isGood(product, 201)).isFalse();
            assertThat(WebhookPolicy.NORMALIZED.isGood(product, 500)).isFalse();
            assertThat(WebhookPolicy.NORMALIZED.isGood(product, null)).isFalse();
        }
    }

    @Test
    void perProductCountsAnyJiraResponseButOnly2xxFromConfluence() {
        assertThat(WebhookPolicy.PER_PRODUCT.isGood(JIRA, 500)).isTrue();
        assertThat(WebhookPolicy.PER_PRODUCT.isGood(JIRA, null)).isFalse();
        assertThat(WebhookPolicy.PER_PRODUCT.isGood(CONFLUENCE, 201)).isTrue();
        assertThat(WebhookPolicy.PER_PRODUCT.isGood(CONFLUENCE, 302)).isFalse();
        assertThat(WebhookPolicy.PER_PRODUCT.isGood(CONFLUENCE, null)).isFalse();
    }

    @Test
    void wireValuesRoundTrip() {
        for (WebhookPolicy policy : WebhookPolicy.values()) {
            assertThat(WebhookPolicy.find(policy.wireValue())).contains(policy);
        }
        assertThat(WebhookPolicy.find("lenient")).isEmpty();
        assertThat(WebhookPolicy.find(null)).isEmpty();
    }
}
