package io.rampart.bench.sli;

import io.rampart.store.local.LocalPostgres;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * sli-api started from its packaged jar on a fresh embedded PostgreSQL, on loopback only, with an
 * admin token of a key pair made for the run: what each SLI API benchmark measures against.
 */
final class RunningApi implements AutoCloseable {

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final LocalPostgres postgres;
    final String baseUrl;
    final String adminToken;
    private final BenchSliApi process;

    private RunningApi(LocalPostgres postgres, BenchSliApi process, String adminToken) {
        this.postgres = postgres;
        this.process = process;
        this.baseUrl = process.url();
        this.adminToken = adminToken;
    }

    /** Starts PostgreSQL and sli-api ({@code environment} added to its settings) and waits until it is ready. */
    static RunningApi start(Path jar, Path work, Map<String, String> environment) throws Exception {
        Files.createDirectories(work);
        LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), 0);
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        BenchSliApi process = BenchSliApi.start(jar, work, postgres.port(), keys, environment);
        String token = Jwt.issuer("rampart").audience("rampart").subject("bench").groups(Set.of("admin"))
                .expiresIn(Duration.ofHours(2)).sign(keys.getPrivate());
        RunningApi api = new RunningApi(postgres, process, token);
        try {
            process.awaitReady(api.http, 120);
        } catch (Exception e) {
            api.close();
            throw e;
        }
        return api;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.port() + "/" + LocalPostgres.DATABASE;
    }

    /** A request of the admin, answered as text. */
    HttpResponse<String> send(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return send(method, path, jsonBody, Duration.ofSeconds(30));
    }

    /** A request of the admin answered as text within {@code timeout}. */
    HttpResponse<String> send(String method, String path, String jsonBody, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminToken).timeout(timeout);
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.stop();
        postgres.close();
    }
}
