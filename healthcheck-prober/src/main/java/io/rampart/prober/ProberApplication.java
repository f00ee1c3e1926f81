package io.rampart.prober;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.rampart.store.http.HttpErrorContract;
import io.rampart.store.local.EmbeddedDatabaseBootstrap;

/** Entry point of healthcheck-prober: a local PostgreSQL first where none is configured (see DESIGN.md). */
@QuarkusMain
public final class ProberApplication {

    private ProberApplication() {
    }

    public static void main(String... args) {
        EmbeddedDatabaseBootstrap.useEmbeddedIfUnconfigured();
        HttpErrorContract.takeOverUriValidation();
        Quarkus.run(args);
    }
}
