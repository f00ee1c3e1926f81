package io.rampart.bench.sli;

import io.rampart.store.local.LocalPostgres;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
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
    private final Process process;

    private RunningApi(LocalPostgres postgres, Process process, String baseUrl, String adminToken) {
        this.postgres = postgres;
        this.process = process;
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
    }

    /** Starts PostgreSQL and sli-api ({@code environment} added to its settings) and waits until it is ready. */
    static RunningApi start(Path jar, Path work, Map<String, String> environment) throws Exception {
        Files.createDirectories(work);
        LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), 0);
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path publicKey = work.resolve("platform.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        byte[] sealingKey = new byte[32];
        new SecureRandom().nextBytes(sealingKey);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx1g", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("sli-api.log").toFile());
        Map<String, String> settings = new HashMap<>(Map.of("RAMPART_DB_HOST", "localhost",
                "RAMPART_DB_PORT", Integer.toString(postgres.port()), "RAMPART_DB_NAME", LocalPostgres.DATABASE,
                "RAMPART_DB_USER", LocalPostgres.USER, "RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD,
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toUri().toString(),
                "QUARKUS_HTTP_PORT", Integer.toString(port), "QUARKUS_HTTP_HOST", "127.0.0.1",
                "RAMPART_SECRETS_KEY", "bench:" + Base64.getEncoder().encodeToString(sealingKey)));
        settings.putAll(environment);
        builder.environment().putAll(settings);
        String token = Jwt.issuer("rampart").audience("rampart").subject("bench").groups(Set.of("admin"))
                .expiresIn(Duration.ofHours(2)).sign(keys.getPrivate());
        RunningApi api = new RunningApi(postgres, builder.start(), "http://127.0.0.1:" + port, token);
        try {
            api.awaitReady(work);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(30));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(Path work) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sli-api stopped; see " + work.resolve("sli-api.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("sli-api was not ready within 120 s");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor();
        postgres.close();
    }
}
