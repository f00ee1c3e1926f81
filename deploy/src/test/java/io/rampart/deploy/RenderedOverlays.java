package io.rampart.deploy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The overlays to check, each rendered once per test run; skipped with a message without kubectl. */
final class RenderedOverlays {

    private static final Map<String, Overlay> RENDERED = new ConcurrentHashMap<>();

    private RenderedOverlays() {
    }

    static List<String> names() {
        return Manifests.overlayNames();
    }

    static Overlay get(String name) {
        assumeTrue(Manifests.kubectlAvailable(), Manifests.NO_KUBECTL);
        return RENDERED.computeIfAbsent(name, Overlay::render);
    }
}
