package io.rampart.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the services' images carry: Jib copies each service's packaged application
 * ({@code target/quarkus-app}), which must hold the PostgreSQL client but no PostgreSQL server (the
 * embedded one is for dev mode and tests only: docs/deploy.md, "Container images"). The build
 * packages the services before this module's tests run.
 */
class PackagedServicesTest {

    @Test
    void everyPackagedServiceHasTheDatabaseClientButNoEmbeddedPostgres() throws IOException {
        for (String service : ServiceConfiguration.SERVICES) {
            Path libraries = Manifests.PROJECT.resolve(service).resolve("target/quarkus-app/lib/main");
            assertThat(libraries).as("%s is packaged (./mvnw package -pl %s)", service, service).isDirectory();
            List<String> jars;
            try (Stream<Path> files = Files.list(libraries)) {
                jars = files.map(file -> file.getFileName().toString()).toList();
            }
            assertThat(jars).as(service).anyMatch(jar -> jar.startsWith("io.vertx.vertx-pg-client"))
                    .noneMatch(jar -> jar.startsWith("io.zonky"));
        }
    }
}
