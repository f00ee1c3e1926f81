package io.rampart.bench.sli;

import io.rampart.store.local.LocalPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The packaged sli-api as a child process on loopback, on a benchmark's PostgreSQL, with its log under the work folder. */
final class BenchSliApi {

    private final Process process;
    private final String url;
    /** Quarkus's management interface: readiness is served there, not on the API port. */
    private final String managementUrl;

    private BenchSliApi(Process process, String url, String managementUrl) {
        this.process = process;
        this.url = url;
        this.managementUrl = managementUrl;
    }

    /** Starts sli-api; {@code settings} adds environment variables to the database, key and port ones. */
    static BenchSliApi start(Path jar, Path work, int dbPort, KeyPair keys, Map<String, String> settings) throws IOException {
        Path publicKey = work.resolve("platform.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        byte[] sealingKey = new byte[32];
        new SecureRandom().nextBytes(sealingKey);
        int port;
        int managementPort;
        try (ServerSocket socket = new ServerSocket(0); ServerSocket management = new ServerSocket(0)) {
            port = socket.getLocalPort();
            managementPort = management.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx1g", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("sli-api.log").toFile()));
        Map<String, String> env = new HashMap<>(Map.of("RAMPART_DB_HOST", "localhost", "RAMPART_DB_PORT", Integer.toString(dbPort),
                "RAMPART_DB_NAME", LocalPostgres.DATABASE, "RAMPART_DB_USER", LocalPostgres.USER,
                "RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD, "MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toUri().toString(),
                "QUARKUS_HTTP_PORT", Integer.toString(port), "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "RAMPART_SECRETS_KEY", "bench:" + Base64.getEncoder().encodeToString(sealingKey)));
        env.putAll(settings);
        builder.environment().putAll(env);
        return new BenchSliApi(builder.start(), "http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort);
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    void awaitReady(HttpClient http, int seconds) throws Exception {
        Instant deadline = Instant.now().plusSeconds(seconds);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sli-api stopped; see sli-api.log in the benchmark's work folder");
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(managementUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("sli-api was not ready within " + seconds + " s");
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
