package io.rampart.sli.api;

import jakarta.ws.rs.core.UriBuilder;

import java.net.URI;
import java.util.List;

/**
 * The pages people open in a browser (the status page, the operators' fleet page): the only paths
 * where the sign-in cookie is a credential. The API is never one of them, so a browser's cookie
 * (an admin's token, say) is no API credential.
 */
public final class HumanPages {

    /** Path prefixes of the human pages, each a whole path segment. */
    public static final List<String> PATH_PREFIXES = List.of("/status", "/fleet");

    private HumanPages() {
    }

    /** The address of an app's status page, its key encoded as a path segment. */
    public static URI statusPage(String appKey) {
        return UriBuilder.fromPath("/status/{appKey}").build(appKey);
    }

    /** The address of a human page with one query parameter, its value encoded. */
    public static URI withQuery(String path, String name, String value) {
        return UriBuilder.fromPath(path).queryParam(name, value).build();
    }

    /** Whether the (normalized) path is a human page: a prefix itself or below it. */
    public static boolean contains(String path) {
        return path != null && PATH_PREFIXES.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
    }
}
