package io.rampart.sli.status;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The status page forms' CSRF defence: a form is taken only from a browser that says it was sent
 * by a page of this very site. Every browser sends {@code Origin} on a POST; a form on another
 * site carries that site's origin, a sandboxed one {@code null}, and neither matches the
 * {@code Host} the browser addressed. A request without {@code Origin} is refused too (strict).
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean sentFrom(String origin, String host) {
        if (origin == null || host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = new URI(origin.strip());
            if (uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return false;
            }
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.toLowerCase(Locale.ROOT).equals(host.strip().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
