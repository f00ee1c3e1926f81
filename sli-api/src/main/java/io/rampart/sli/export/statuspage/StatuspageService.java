package io.rampart.sli.export.statuspage;

import io.rampart.sli.api.UnicodeText;
import io.rampart.sli.outgoing.OutgoingConfig;
import io.rampart.sli.registry.RegistryService;
import io.rampart.store.error.Refusal;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Manages the apps' Statuspage configurations; the API key is sealed at rest and never answered. */
@ApplicationScoped
public class StatuspageService {

    static final String DEFAULT_API_BASE_URL = "https://api.statuspage.io";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    // Printable ASCII without spaces: the key goes into an HTTP header.
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private final RegistryService registry;
    private final StatuspageRepository repository;
    private final SecretSealer sealer;
    private final boolean httpsOnly;

    public StatuspageService(RegistryService registry, StatuspageRepository repository, SecretSealer sealer,
            OutgoingConfig outgoing) {
        this.registry = registry;
        this.repository = repository;
        this.sealer = sealer;
        this.httpsOnly = outgoing.httpsOnly();
    }

    /** The owner the key is sealed for: a key of one app does not open as another's. */
    static String sealOwner(String appKey) {
        return "statuspage:" + appKey;
    }

    public Uni<StatuspageView> get(String appKey) {
        return registry.get(appKey).chain(() -> repository.find(appKey)).map(stored -> {
            if (stored == null) {
                throw Refusal.notFound("the app " + appKey + " has no Statuspage configuration");
            }
            return stored.view();
        });
    }

    public Uni<StatuspageView> save(String appKey, StatuspageRequest request) {
        if (request == null) {
            throw Refusal.invalid("body", "a JSON object is required");
        }
        String baseUrl = baseUrl(request.apiBaseUrl());
        if (request.pageId() == null || !ID.matcher(request.pageId()).matches()) {
            throw Refusal.invalid("pageId", "required, 1 to 64 of A-Z a-z 0-9 _ -");
        }
        if (request.apiKey() != null && !API_KEY.matcher(request.apiKey()).matches()) {
            throw Refusal.invalid("apiKey", "1 to 256 printable characters without spaces");
        }
        Map<String, String> metrics = metrics(request.metrics());
        return registry.get(appKey)
                .chain(() -> repository.find(appKey))
                .chain(stored -> {
                    if (stored == null && request.apiKey() == null) {
                        throw Refusal.invalid("apiKey", "required when the app has no Statuspage configuration yet");
                    }
                    // The stored key was given for the stored host: it goes to no other without being given again.
                    if (stored != null && request.apiKey() == null && !stored.apiBaseUrl().equals(baseUrl)) {
                        throw Refusal.invalid("apiKey", "required again when apiBaseUrl changes");
                    }
                    SecretSealer.Sealed key = request.apiKey() == null ? null
                            : sealer.seal(sealOwner(appKey), request.apiKey());
                    return repository.save(appKey, baseUrl, request.pageId(), key, metrics);
                })
                .chain(() -> get(appKey));
    }

    public Uni<Void> delete(String appKey) {
        return registry.get(appKey).chain(() -> repository.delete(appKey)).invoke(deleted -> {
            if (!deleted) {
                throw Refusal.notFound("the app " + appKey + " has no Statuspage configuration");
            }
        }).replaceWithVoid();
    }

    private String baseUrl(String requested) {
        if (requested == null) {
            return DEFAULT_API_BASE_URL;
        }
        try {
            URI uri = new URI(requested);
            boolean scheme = "https".equals(uri.getScheme()) || !httpsOnly && "http".equals(uri.getScheme());
            if (!scheme || !UnicodeText.storable(requested) || uri.getHost() == null || uri.getUserInfo() != null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw Refusal.invalid("apiBaseUrl", "an absolute " + (httpsOnly ? "https" : "http(s)")
                        + " URL without credentials, query or fragment");
            }
        } catch (URISyntaxException e) {
            throw Refusal.invalid("apiBaseUrl", "not a URL");
        }
        return requested.endsWith("/") ? requested.substring(0, requested.length() - 1) : requested;
    }

    private static Map<String, String> metrics(Map<String, String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw Refusal.invalid("metrics", "required: at least one {\"<sli id>\": \"<metric id>\"}");
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, String> metric : requested.entrySet()) {
            if (SliId.find(metric.getKey()).isEmpty()) {
                throw Refusal.invalid("metrics." + metric.getKey(), "not an SLI id");
            }
            if (metric.getValue() == null || !ID.matcher(metric.getValue()).matches()) {
                throw Refusal.invalid("metrics." + metric.getKey(), "a metric id, 1 to 64 of A-Z a-z 0-9 _ -");
            }
            metrics.put(metric.getKey(), metric.getValue());
        }
        return metrics;
    }
}
