package io.rampart.publisher.connect;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The canonical request of Atlassian Connect and its hash, the {@code qsh} claim:
 * {@code METHOD&canonical-path&canonical-query}. The path has no context path, no trailing
 * slash (except "/" itself) and its '&' encoded; the query is sorted by percent-encoded name,
 * repeated values sorted and joined by ',', the {@code jwt} parameter left out, every name and
 * value percent-encoded as in RFC 3986 (so a space is %20, '*' is %2A and '~' stays).
 * The one definition both sides use: vendors' clients sign with it, event-ingest verifies with it
 * (plain Java 11, so the publisher library can carry it).
 */
public final class CanonicalRequest {

    private static final String JWT_PARAMETER = "jwt";
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private CanonicalRequest() {
    }

    /** SHA-256 hex of the canonical request, as a {@code qsh} claim carries it. */
    public static String hash(String method, String path, Map<String, List<String>> query) {
        return Sha256.hex(canonical(method, path, query).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param path  the request path relative to the context path, as sent (not decoded)
     * @param query the decoded query parameters, in any order
     */
    public static String canonical(String method, String path, Map<String, List<String>> query) {
        return method.toUpperCase(Locale.ROOT) + '&' + canonicalPath(path) + '&' + canonicalQuery(query);
    }

    static String canonicalPath(String path) {
        String canonical = path == null || path.isEmpty() ? "/" : path;
        if (canonical.length() > 1 && canonical.endsWith("/")) {
            canonical = canonical.substring(0, canonical.length() - 1);
        }
        return canonical.replace("&", "%26");
    }

    static String canonicalQuery(Map<String, List<String>> query) {
        TreeMap<String, String> sorted = new TreeMap<>();
        query.forEach((name, values) -> {
            if (!JWT_PARAMETER.equals(name)) {
                sorted.put(encode(name), values.stream().map(CanonicalRequest::encode).sorted()
                        .collect(Collectors.joining(",")));
            }
        });
        return sorted.entrySet().stream().map(parameter -> parameter.getKey() + '=' + parameter.getValue())
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 percent-encoding of UTF-8: only ALPHA, DIGIT, '-', '.', '_' and '~' stay as they are. */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append((char) HEX[(b >> 4) & 0xf]).append((char) HEX[b & 0xf]);
            }
        }
        return encoded.toString();
    }
}
