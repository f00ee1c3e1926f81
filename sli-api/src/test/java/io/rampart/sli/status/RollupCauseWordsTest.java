package io.rampart.sli.status;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's words for the causes of a breakdown from the rollups, which keep no outcome. */
class RollupCauseWordsTest {

    @Test
    void rollupCausesReadAsTheirStatusCodeOrNoAnswer() {
        Map<String, Object> answered = new LinkedHashMap<>();
        answered.put("statusCode", 503);
        answered.put("target", "prod");
        assertThat(FailureReader.words(answered)).isEqualTo("HTTP 503 at prod");
        assertThat(FailureReader.words(Map.of("target", "prod"))).isEqualTo("no answer in time at prod");
        assertThat(FailureReader.words(Map.of("result", "failed"))).isEqualTo("not loaded within 12 s");
        assertThat(FailureReader.words(Map.of("product", "jira"))).isEqualTo("no answer on jira");
        assertThat(FailureReader.words(Map.of("lifecycle", "installed", "statusCode", 503)))
                .isEqualTo("HTTP 503 on installed callbacks");
    }
}
