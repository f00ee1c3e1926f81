package io.rampart.sli.alert.notify;

import io.rampart.sli.alert.AlertConfig;
import io.rampart.sli.outgoing.OutgoingHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.Map;

/**
 * How a notification leaves over HTTP (webhooks, Slack, PagerDuty, Opsgenie): a JSON POST through
 * the bounded {@link OutgoingHttp} client (destination checked, time and answer size bounded, no
 * redirect), its answer or failure told as an {@link Outcome} without the URL.
 */
@ApplicationScoped
public class VendorHttp {

    static final String USER_AGENT = "Rampart-Alerts/1";

    private final OutgoingHttp outgoing;
    private final AlertConfig.Delivery config;

    public VendorHttp(OutgoingHttp outgoing, AlertConfig config) {
        this.outgoing = outgoing;
        this.config = config.delivery();
    }

    /** POSTs {@code body} as JSON with {@code headers}; a 2xx answer delivers. */
    public Uni<Outcome> postJson(String url, Map<String, String> headers, String body) {
        MultiMap all = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json")
                .add("User-Agent", USER_AGENT);
        headers.forEach(all::add);
        return Uni.createFrom().deferred(() -> outgoing.post(URI.create(url), all, Buffer.buffer(body), config.timeout(),
                        config.allowPrivateNetworks()))
                .map(answer -> Outcome.answered(answer.status()))
                .onFailure().recoverWithItem(failure -> Outcome.failed(OutgoingHttp.describe(failure),
                        !(failure instanceof OutgoingHttp.Refused refused) || refused.retryable()));
    }
}
