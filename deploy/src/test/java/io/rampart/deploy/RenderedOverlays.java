package io.rampart.deploy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The overlays to check, each rendered once per test run; skipped with a message without kubectl. */
final class RenderedOverlays {

    private static final Map<String, Overlay> RENDERED = new ConcurrentHashMap<>();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private RenderedOverlays() {
    }

    static List<String> names() {
        return Manifests.overlayNames();
    }

    static Overlay get(String name) {
        requireKubectl();
        return RENDERED.computeIfAbsent(name, Overlay::render);
    }

    /** The overlay as kustomize renders it, before loading into the model. */
    static List<Manifest> manifests(String name) {
        requireKubectl();
        return Manifests.render(name);
    }

    private static void requireKubectl() {
        if (!Manifests.kubectlAvailable() && WARNED.compareAndSet(false, true)) {
            // Skipped tests are only counted on the console: say why once.
            System.err.println("WARNING: " + Manifests.NO_KUBECTL);
        }
        // CI must check the rendered overlays: there a missing kubectl fails instead of skipping.
        if (!Manifests.kubectlAvailable() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(Manifests.NO_KUBECTL);
        }
        assumeTrue(Manifests.kubectlAvailable(), Manifests.NO_KUBECTL);
    }
}
