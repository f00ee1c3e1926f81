package io.rampart.sli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.rampart.store.http.HttpErrorContract;
import io.rampart.store.local.EmbeddedDatabaseBootstrap;

/** Entry point of sli-api: a local PostgreSQL first where none is configured (see DESIGN.md). */
@QuarkusMain
public final class SliApiApplication {

    private SliApiApplication() {
    }

    public static void main(String... args) {
        EmbeddedDatabaseBootstrap.useEmbeddedIfUnconfigured();
        HttpErrorContract.takeOverUriValidation();
        Quarkus.run(args);
    }
}
