package io.rampart.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Rampart service run as a child process from its packaged jar, its output in a log file. */
public final class ServiceProcess {

    private final String name;
    private final int port;
    private final int managementPort;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, int port, int managementPort, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.process = process;
    }

    static ServiceProcess start(String name, int port, int managementPort, Path projectRoot, Path logDirectory,
            Map<String, String> env) throws IOException {
        return start(name, name, port, managementPort, projectRoot, logDirectory, env);
    }

    /**
     * Starts the service of Maven module {@code module} as the process called {@code name} (one of
     * several replicas, say), its API on {@code port} and its health checks and metrics on
     * {@code managementPort}, logging to {@code <name>.log}.
     */
    public static ServiceProcess start(String module, String name, int port, int managementPort, Path projectRoot,
            Path logDirectory, Map<String, String> env) throws IOException {
        Path jar = projectRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " is missing: build first (./mvnw package -DskipTests)");
        }
        Files.createDirectories(logDirectory);
        Path log = logDirectory.resolve(name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString()))
                .redirectErrorStream(true)
                // Appended: a replica started again keeps the log of the run before, crash included.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        return new ServiceProcess(name, port, managementPort, log, builder.start());
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics}. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public Path log() {
        return log;
    }

    /** Waits until the service reports ready, failing early if its process ends. */
    public void awaitReady(HttpClient http, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep waiting until the deadline
            }
            Thread.sleep(300);
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the service to stop (SIGTERM: it finishes in-flight work) and waits for it. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Ends the process at once (SIGKILL), as a crashed or evicted pod ends: no in-flight work is finished. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public long pid() {
        return process.pid();
    }
}
