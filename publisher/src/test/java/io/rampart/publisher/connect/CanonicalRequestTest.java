package io.rampart.publisher.connect;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical request and qsh, checked against the examples Atlassian publishes. */
class CanonicalRequestTest {

    @Test
    void theSpecificationsExampleSortsParametersAndJoinsRepeatedValues() {
        // "http://localhost:2990/path/to/service?zee_last=param&repeated=parameter 1&first=param&repeated=parameter 2"
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("zee_last", List.of("param"));
        query.put("repeated", List.of("parameter 1", "parameter 2"));
        query.put("first", List.of("param"));

        assertThat(CanonicalRequest.canonical("get", "/path/to/service", query))
                .isEqualTo("GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param");
    }

    @Test
    void thePublishedHashOfAMixedCaseQuerySortsByCodepoint() {
        // GET http://localhost:2990/path/to/service?a=1&A=2&b=3&B=4 hashes to this published value.
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("a", List.of("1"));
        query.put("A", List.of("2"));
        query.put("b", List.of("3"));
        query.put("B", List.of("4"));

        assertThat(CanonicalRequest.hash("GET", "/path/to/service", query))
                .isEqualTo("70282c7cf82834bd5a3d6dacda1b4ccd5cf5860a63a1fa2fb86b64d576e6a1d5");
    }

    @Test
    void thePublishedExamplesWithoutQuery() {
        assertThat(CanonicalRequest.canonical("GET", "/", Map.of("param", List.of("foo")))).isEqualTo("GET&/&param=foo");
        assertThat(CanonicalRequest.canonical("POST", "/user", Map.of())).isEqualTo("POST&/user&");
    }

    @Test
    void theJwtParameterIsLeftOut() {
        assertThat(CanonicalRequest.canonical("PUT", "/publish", Map.of("jwt", List.of("a.b.c"), "x", List.of("1"))))
                .isEqualTo("PUT&/publish&x=1");
    }

    @Test
    void thePathIsNeverEmptyHasNoTrailingSlashAndEncodesAmpersands() {
        assertThat(CanonicalRequest.canonicalPath("")).isEqualTo("/");
        assertThat(CanonicalRequest.canonicalPath("/")).isEqualTo("/");
        assertThat(CanonicalRequest.canonicalPath("/some/path/")).isEqualTo("/some/path");
        assertThat(CanonicalRequest.canonicalPath("/a&b")).isEqualTo("/a%26b");
    }

    @Test
    void valuesArePercentEncodedAsInOAuth1() {
        assertThat(CanonicalRequest.encode("a b+c*d~e")).isEqualTo("a%20b%2Bc%2Ad~e");
        assertThat(CanonicalRequest.encode("é/&=,")).isEqualTo("%C3%A9%2F%26%3D%2C");
        assertThat(CanonicalRequest.encode("Az09-._")).isEqualTo("Az09-._");
    }

    @Test
    void repeatedValuesAreSortedByTheirEncodedForm() {
        assertThat(CanonicalRequest.canonicalQuery(Map.of("k", List.of("b", "a", "B", "")))).isEqualTo("k=,B,a,b");
    }
}
