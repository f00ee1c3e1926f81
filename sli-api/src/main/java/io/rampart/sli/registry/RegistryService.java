package io.rampart.sli.registry;

import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The registry's operations, each in one transaction; inputs are checked by {@link AppValidator}. */
@ApplicationScoped
public class RegistryService {

    private final Pool pool;
    private final AppRepository apps;
    private final SharedSecretRepository secrets;

    public RegistryService(Pool pool, AppRepository apps, SharedSecretRepository secrets) {
        this.pool = pool;
        this.apps = apps;
        this.secrets = secrets;
    }

    /** Registers an app with its targets and first shared secret; answers it with the secret. */
    public Uni<AppView> create(AppRequest request) {
        AppRequest app = AppValidator.forCreate(request);
        return pool.withTransaction(connection -> apps.insert(connection, app)
                .invoke(inserted -> {
                    if (!inserted) {
                        throw Refusal.conflict("an app with key " + app.appKey() + " is already registered");
                    }
                })
                .chain(() -> apps.replaceTargets(connection, app.appKey(), app.baseUrls()))
                .chain(() -> secrets.createFirst(connection, app.appKey()))
                .chain(secret -> apps.find(connection, app.appKey()).map(view -> view.withSharedSecret(secret))));
    }

    public Uni<List<AppView>> list() {
        return apps.list(pool);
    }

    public Uni<AppView> get(String appKey) {
        return apps.find(pool, appKey).invoke(view -> requireFound(view != null, appKey));
    }

    public Uni<AppView> update(String appKey, AppRequest request) {
        AppRequest change = AppValidator.forUpdate(appKey, request);
        return pool.withTransaction(connection -> apps.update(connection, change)
                .invoke(found -> requireFound(found, appKey))
                .chain(() -> change.baseUrls() == null ? Uni.createFrom().voidItem()
                        : apps.replaceTargets(connection, appKey, change.baseUrls()))
                .chain(() -> apps.find(connection, appKey)));
    }

    /** Disables the app: the prober and ingest stop taking it, its data and secret stay. */
    public Uni<Void> disable(String appKey) {
        return update(appKey, AppRequest.enabling(false))
                .replaceWithVoid();
    }

    public Uni<AppView> addTarget(String appKey, BaseUrl request) {
        BaseUrl target = AppValidator.baseUrl("body", request);
        return pool.withTransaction(connection -> apps.exists(connection, appKey)
                .invoke(found -> requireFound(found, appKey))
                .chain(() -> apps.addTarget(connection, appKey, target))
                .invoke(added -> {
                    if (!added) {
                        throw Refusal.conflict("the app already has a target labelled " + target.label()
                                + " or with the URL " + target.url());
                    }
                })
                .chain(() -> apps.find(connection, appKey)));
    }

    public Uni<Void> deleteTarget(String appKey, String label) {
        return pool.withTransaction(connection -> apps.exists(connection, appKey)
                .invoke(found -> requireFound(found, appKey))
                .chain(() -> apps.deleteTarget(connection, appKey, label))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw Refusal.notFound("the app " + appKey + " has no target labelled " + label);
                    }
                })
                .replaceWithVoid());
    }

    private static void requireFound(boolean found, String appKey) {
        if (!found) {
            throw Refusal.notFound("no app " + appKey);
        }
    }
}
