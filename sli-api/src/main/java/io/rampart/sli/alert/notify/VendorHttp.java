package io.rampart.sli.alert.notify;

import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The one way a notification leaves over HTTP (webhooks, Slack, PagerDuty, Opsgenie): the
 * destination resolved off the event loop and checked, the request connected to that very
 * address, time bounded, redirects not followed, and the outcome told without the URL.
 */
@ApplicationScoped
public class VendorHttp {

    static final String USER_AGENT = "Rampart-Alerts/1";

    private final AlertConfig.Delivery config;
    private final Vertx vertx;
    private final HttpClient client;

    public VendorHttp(AlertConfig config, Vertx vertx) {
        this.config = config.delivery();
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis()));
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }

    /** POSTs {@code body} as JSON with {@code headers}; a 2xx answer delivers. */
    public Uni<Outcome> postJson(String url, Map<String, String> headers, String body) {
        Duration timeout = config.timeout();
        URI uri = URI.create(url);
        // Resolved here, off the event loop, and connected to that very address: a name that
        // resolves to a public address when checked cannot point inside when connecting.
        return vertx.executeBlocking(Uni.createFrom().item(() -> resolve(uri.getHost())))
                .chain(address -> {
                    if (address == null) {
                        return Uni.createFrom().item(Outcome.failed("unknown host", true));
                    }
                    if (!config.allowPrivateNetworks() && !Destinations.isPublic(address)) {
                        return Uni.createFrom().item(Outcome.failed("destination not public", false));
                    }
                    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                            .setAbsoluteURI(url).setIdleTimeout(timeout.toMillis()).setFollowRedirects(false)
                            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                            .putHeader("Content-Type", "application/json")
                            .putHeader("User-Agent", USER_AGENT);
                    headers.forEach(options::putHeader);
                    return client.request(options)
                            .chain(outgoing -> outgoing.send(body))
                            .chain(response -> response.body().map(ignored -> Outcome.answered(response.statusCode())));
                })
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                // The class only: a message may quote the URL, which can itself be a credential.
                .onFailure().recoverWithItem(e -> Outcome.failed(e instanceof TimeoutException ? "timeout"
                        : e.getClass().getSimpleName(), true));
    }

    /** The host's address, or null when it has none. */
    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
