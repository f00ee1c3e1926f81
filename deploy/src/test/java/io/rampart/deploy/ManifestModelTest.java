package io.rampart.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every manifest, as written and as each overlay renders, is a valid object of a known kind. */
class ManifestModelTest {

    private final StrictKubernetesModel model = new StrictKubernetesModel();

    @Test
    void baseAndOverlaysHaveManifests() {
        assertThat(Manifests.overlayNames()).containsExactly("dev", "prod");
        assertThat(Manifests.manifestFiles()).extracting(path -> Manifests.DEPLOY.relativize(path).toString())
                .contains("base/healthcheck-prober.yaml", "base/event-ingest.yaml", "base/sli-api.yaml", "base/migrate-job.yaml",
                        "overlays/dev/postgres.yaml", "overlays/prod/database-cluster.yaml");
    }

    @TestFactory
    Stream<DynamicTest> everyManifestFileLoadsStrictly() {
        return Manifests.manifestFiles().stream().map(file -> DynamicTest.dynamicTest(
                Manifests.DEPLOY.relativize(file).toString(), () -> assertLoads(Manifests.readFile(file))));
    }

    @TestFactory
    Stream<DynamicTest> everyRenderedOverlayLoadsStrictly() {
        return Manifests.overlayNames().stream().map(overlay -> DynamicTest.dynamicTest("overlays/" + overlay, () -> {
            List<Manifest> rendered = RenderedOverlays.manifests(overlay);
            assertThat(rendered).as("objects rendered from overlays/" + overlay).isNotEmpty();
            assertLoads(rendered);
        }));
    }

    private void assertLoads(List<Manifest> manifests) {
        assertThat(manifests).isNotEmpty();
        assertThat(manifests).allSatisfy(manifest ->
                assertThat(model.problems(manifest)).as(manifest.toString()).isEmpty());
    }

}
