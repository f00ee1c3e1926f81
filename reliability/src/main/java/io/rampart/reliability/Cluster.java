package io.rampart.reliability;

import io.rampart.local.LocalRun;
import io.rampart.local.PlatformKeys;
import io.rampart.local.ServiceProcess;
import io.rampart.store.local.LocalPostgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rampart as Kubernetes runs it, on one machine: one PostgreSQL and a number of replicas of each
 * service, each a process of its packaged jar with the heap limit of the deploy manifests. Replicas
 * can be killed and started again, the database stopped and started again, as the drill needs.
 */
final class Cluster implements AutoCloseable {

    static final List<String> SERVICES = List.of("healthcheck-prober", "event-ingest", "sli-api");
    static final String PROBER = "healthcheck-prober";
    /** The prober's default: one probe location, as a single-region deployment has. */
    static final List<String> ONE_LOCATION = List.of("local");
    /** The JVM options of deploy/base: a service must live within them. */
    private static final String JVM_OPTIONS = "-Xmx192m -XX:+ExitOnOutOfMemoryError";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path projectRoot;
    private final Path home;
    private final int databasePort;
    private final PlatformKeys keys;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> replicas = new LinkedHashMap<>();
    /** Each replica's service and the environment of its own (its probe location). */
    private final Map<String, String> serviceOf = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> ownEnv = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Integer> managementPorts = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private LocalPostgres postgres;

    private Cluster(Path projectRoot, Path home, int databasePort, PlatformKeys keys) {
        this.projectRoot = projectRoot;
        this.home = home;
        this.databasePort = databasePort;
        this.keys = keys;
    }

    /**
     * Starts the database and {@code replicasPerService} replicas of every service (of the prober,
     * that many in each of {@code proberLocations}), and waits until all are ready.
     */
    static Cluster start(Path projectRoot, Path home, int replicasPerService, List<String> proberLocations)
            throws Exception {
        return start(projectRoot, home, SERVICES, replicasPerService, proberLocations);
    }

    /** As {@link #start(Path, Path, int, List)}, with only the given services (of {@link #SERVICES}). */
    static Cluster startOnly(Path projectRoot, Path home, List<String> services, int replicasPerService)
            throws Exception {
        return start(projectRoot, home, services, replicasPerService, ONE_LOCATION);
    }

    private static Cluster start(Path projectRoot, Path home, List<String> services, int replicasPerService,
            List<String> proberLocations) throws Exception {
        Cluster cluster = new Cluster(projectRoot, home, Ports.free(), PlatformKeys.loadOrCreate(home.resolve("keys")));
        cluster.startDatabase();
        return cluster.startServices(services, replicasPerService, proberLocations, Map.of());
    }

    /**
     * Starts the services on a database someone else runs (the failover drill's replicated one,
     * behind its front), with more environment for every replica; {@link #restartDatabase} is not theirs.
     */
    static Cluster onDatabase(Path projectRoot, Path home, int databasePort, int replicasPerService,
            Map<String, String> moreEnv) throws Exception {
        return onDatabase(projectRoot, home, databasePort, SERVICES, replicasPerService, moreEnv);
    }

    /** As above, with only some of the services (a benchmark that needs only those). */
    static Cluster onDatabase(Path projectRoot, Path home, int databasePort, List<String> services,
            int replicasPerService, Map<String, String> moreEnv) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(moreEnv);
        // The services migrate at start, one at a time (Flyway's lock); through a front, on a shared
        // machine, the JDBC pool's default 5 s to connect was seen to run out.
        env.putIfAbsent("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        return new Cluster(projectRoot, home, databasePort, PlatformKeys.loadOrCreate(home.resolve("keys")))
                .startServices(services, replicasPerService, ONE_LOCATION, env);
    }

    /** Prober replicas are named {@code healthcheck-prober-<location>-<n>}, the others {@code <service>-<n>}. */
    private Cluster startServices(List<String> services, int replicasPerService, List<String> proberLocations,
            Map<String, String> moreEnv) throws Exception {
        try {
            env.putAll(LocalRun.serviceEnvironment(databasePort, keys));
            env.put("JAVA_TOOL_OPTIONS", JVM_OPTIONS);
            env.putAll(moreEnv);
            for (String service : services) {
                for (String location : service.equals(PROBER) ? proberLocations : List.of("")) {
                    for (int replica = 1; replica <= replicasPerService; replica++) {
                        String name = location.isEmpty() ? service + "-" + replica
                                : service + "-" + location + "-" + replica;
                        serviceOf.put(name, service);
                        ownEnv.put(name, location.isEmpty() ? Map.of() : Map.of("RAMPART_PROBER_LOCATION", location));
                        ports.put(name, Ports.free());
                        managementPorts.put(name, Ports.free());
                        launch(name);
                    }
                }
            }
            awaitAllReady();
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    PlatformKeys keys() {
        return keys;
    }

    /** Where each replica's output goes, {@code <replica>.log}. */
    Path logDirectory() {
        return home.resolve("logs");
    }

    List<ServiceProcess> replicas(String service) {
        List<ServiceProcess> found = new ArrayList<>();
        replicas.forEach((name, process) -> {
            if (serviceOf.get(name).equals(service)) {
                found.add(process);
            }
        });
        return found;
    }

    /** The {@code n}-th replica of every service, of every probe location for the prober. */
    List<String> replicasNumbered(int n) {
        return replicas.keySet().stream().filter(name -> name.endsWith("-" + n)).toList();
    }

    List<ServiceProcess> all() {
        return List.copyOf(replicas.values());
    }

    /** The base URLs of a service's replicas, in a fixed order (a killed one keeps its place and port). */
    List<String> urls(String service) {
        return replicas(service).stream().map(ServiceProcess::url).toList();
    }

    void kill(String name) throws InterruptedException {
        replicas.get(name).kill();
    }

    /** Stops a replica gracefully (SIGTERM: it finishes in-flight work) and waits until it has exited. */
    void stop(String name) throws InterruptedException {
        replicas.get(name).stop();
    }

    /** Starts a replica again on its port, as Kubernetes restarts a pod's container; does not wait for it. */
    void restart(String name) throws IOException {
        launch(name);
    }

    /** Stops PostgreSQL (fast shutdown: every connection is cut), keeps it down, and starts it again on its data. */
    void restartDatabase(Duration down) throws IOException, InterruptedException {
        postgres.close();
        Thread.sleep(down.toMillis());
        startDatabase();
    }

    void awaitAllReady() throws IOException, InterruptedException {
        awaitReady(replicas.keySet());
    }

    void awaitReady(Collection<String> names) throws IOException, InterruptedException {
        for (String name : names) {
            replicas.get(name).awaitReady(http, READY_TIMEOUT);
        }
    }

    /** Whether every replica answers its readiness check with 200 now. */
    Map<String, Integer> readiness() {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        replicas.forEach((name, replica) -> {
            try {
                statuses.put(name, http.send(HttpRequest.newBuilder(URI.create(replica.managementUrl() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException e) {
                statuses.put(name, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                statuses.put(name, 0);
            }
        });
        return statuses;
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + databasePort + "/" + LocalPostgres.DATABASE,
                LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private void startDatabase() throws IOException {
        postgres = LocalPostgres.start(home.resolve("postgres"), databasePort);
    }

    private void launch(String name) throws IOException {
        Map<String, String> replicaEnv = new LinkedHashMap<>(env);
        replicaEnv.put("RAMPART_PROBER_REPLICA_ID", name);
        replicaEnv.putAll(ownEnv.get(name));
        replicas.put(name, ServiceProcess.start(serviceOf.get(name), name, ports.get(name), managementPorts.get(name), projectRoot,
                logDirectory(), replicaEnv));
    }

    @Override
    public void close() throws IOException {
        // Services first (they finish in-flight work against the database), then the database.
        replicas.values().parallelStream().forEach(replica -> {
            try {
                replica.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (postgres != null) {
            postgres.close();
        }
    }
}
