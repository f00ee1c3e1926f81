package io.rampart.sli.alert;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The vendors' side on 127.0.0.1, started before sli-api so that its configuration points there:
 * a real SMTP server (GreenMail) and one HTTP server standing in for Slack's incoming webhooks
 * ({@code /slack/...}), PagerDuty's Events API v2 ({@code /pagerduty/v2/enqueue}) and Opsgenie's
 * US and EU Alert APIs ({@code /opsgenie-us/v2/alerts}, {@code /opsgenie-eu/...}). It records every
 * request whole; the tests check each against the vendor's published API. It answers what the
 * vendor answers on success, or the status a test set for a credential ({@link #answer}).
 */
public class VendorServers implements QuarkusTestResourceLifecycleManager {

    /** One request as it arrived. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private static GreenMail mail;
    private static HttpServer http;
    private static final List<Request> RECEIVED = new CopyOnWriteArrayList<>();
    /** Status to answer per credential (routing key, GenieKey, Slack path). */
    private static final Map<String, Integer> ANSWERS = new ConcurrentHashMap<>();

    @Override
    public synchronized Map<String, String> start() {
        if (http == null) {
            mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            mail.start();
            try {
                http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            http.createContext("/", exchange -> {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
                RECEIVED.add(request);
                String path = request.path();
                String credential = path.startsWith("/slack/") ? path
                        : path.startsWith("/opsgenie") ? String.valueOf(request.header("Authorization"))
                        : body.replaceAll("(?s).*\"routing_key\"\\s*:\\s*\"([^\"]*)\".*", "$1");
                Integer status = ANSWERS.get(credential);
                byte[] answer;
                if (status != null) {
                    answer = "{\"message\":\"refused by the test\"}".getBytes(StandardCharsets.UTF_8);
                } else if (path.startsWith("/slack/")) {
                    status = 200;
                    answer = "ok".getBytes(StandardCharsets.UTF_8);
                } else if (path.startsWith("/pagerduty/")) {
                    status = 202;
                    answer = "{\"status\":\"success\",\"message\":\"Event processed\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 202;
                    answer = "{\"result\":\"Request will be processed\",\"took\":0.01,\"requestId\":\"r\"}"
                            .getBytes(StandardCharsets.UTF_8);
                }
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            http.setExecutor(Executors.newCachedThreadPool());
            http.start();
        }
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        return Map.of(
                "quarkus.mailer.mock", "false",
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(mail.getSmtp().getPort()),
                "quarkus.mailer.from", "Rampart alerts <alerts@rampart.test>",
                "rampart.alerts.vendors.pagerduty-events-url", base + "/pagerduty/v2/enqueue",
                "rampart.alerts.vendors.opsgenie-us-url", base + "/opsgenie-us",
                "rampart.alerts.vendors.opsgenie-eu-url", base + "/opsgenie-eu",
                "rampart.alerts.public-url", "https://rampart.test");
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM, like the database; the JVM's end stops them.
    }

    public static GreenMail mail() {
        return mail;
    }

    /** A Slack incoming-webhook URL of its own. */
    public static String slackUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/slack/services/T0/B0/" + java.util.UUID.randomUUID();
    }

    /** Answers {@code status} to every request with this credential (routing key, "GenieKey k", Slack path). */
    public static void answer(String credential, int status) {
        ANSWERS.put(credential, status);
    }

    public static void answerNormally(String credential) {
        ANSWERS.remove(credential);
    }

    /** Every request received whose body or headers hold {@code mark} (a routing key, an API key, a Slack path). */
    public static List<Request> received(String mark) {
        return RECEIVED.stream().filter(request -> request.path().contains(mark) || request.body().contains(mark)
                || request.headers().values().stream().anyMatch(values -> values.stream().anyMatch(v -> v.contains(mark))))
                .toList();
    }
}
