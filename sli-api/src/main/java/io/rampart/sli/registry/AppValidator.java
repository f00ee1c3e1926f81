package io.rampart.sli.registry;

import io.rampart.sli.api.UnicodeText;
import io.rampart.sli.location.ProbeLocationValidator;
import io.rampart.store.error.Refusal;
import io.rampart.store.event.Product;
import io.rampart.store.sli.AvailabilityPolicy;
import io.rampart.store.sli.LifecycleScope;
import io.rampart.store.sli.SliId;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a registry request field by field and answers it normalised (products as
 * {@link Product} names, URLs without a trailing slash); a bad field is a 400 naming it and why.
 */
final class AppValidator {

    static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_CHECK_INTERVAL_SECONDS = 86_400;
    static final int MAX_BASE_URLS = 50;
    /** 28 days: the SLO window; the column's check (V160) says the same. */
    static final int MAX_SYNTHETIC_STALE_AFTER_MINUTES = 40_320;

    /** The value of availabilityPolicy and lifecycleScope that makes an app follow the platform's default. */
    static final String FOLLOW_DEFAULT = "default";

    private AppValidator() {
    }

    /** A new app: required fields present, DESIGN.md's defaults filled in. */
    static AppRequest forCreate(AppRequest request) {
        if (request == null) {
            throw Refusal.invalid("body", "a JSON object is required");
        }
        if (request.appKey() == null || !APP_KEY.matcher(request.appKey()).matches()) {
            throw Refusal.invalid("appKey", "required, 1 to 255 of A-Z a-z 0-9 . _ -");
        }
        if (request.name() == null) {
            throw Refusal.invalid("name", "required");
        }
        AppRequest withDefaults = new AppRequest(request.appKey(), request.name(), request.partnerName(),
                request.healthcheckPath() == null ? "/health" : request.healthcheckPath(),
                request.baseUrls() == null ? List.of() : request.baseUrls(),
                request.checkIntervalSeconds() == null ? 60 : request.checkIntervalSeconds(),
                request.products() == null ? List.of() : request.products(),
                request.sloOverrides() == null ? Map.of() : request.sloOverrides(),
                request.statusPagePublic() == null ? Boolean.FALSE : request.statusPagePublic(),
                request.enabled() == null ? Boolean.TRUE : request.enabled(), request.syntheticStaleAfterMinutes(),
                request.availabilityPolicy(), request.lifecycleScope(), request.probeLocations(),
                request.quorum() == null ? ProbeLocationValidator.DEFAULT_QUORUM : request.quorum());
        return forUpdate(withDefaults.appKey(), withDefaults);
    }

    /** A change: only the fields present are checked; the app key of the path wins and may not change. */
    static AppRequest forUpdate(String appKey, AppRequest request) {
        if (request == null) {
            throw Refusal.invalid("body", "a JSON object is required");
        }
        if (request.appKey() != null && !request.appKey().equals(appKey)) {
            throw Refusal.invalid("appKey", "an app key cannot be changed");
        }
        if (request.name() != null && (request.name().isBlank() || request.name().length() > 255)) {
            throw Refusal.invalid("name", "1 to 255 characters, not blank");
        }
        if (request.healthcheckPath() != null
                && (!request.healthcheckPath().startsWith("/") || request.healthcheckPath().length() > 2048)) {
            throw Refusal.invalid("healthcheckPath", "a path starting with /");
        }
        for (var text : Map.of("name", nullToEmpty(request.name()), "partnerName", nullToEmpty(request.partnerName()),
                "healthcheckPath", nullToEmpty(request.healthcheckPath())).entrySet()) {
            if (!UnicodeText.storable(text.getValue())) {
                throw Refusal.invalid(text.getKey(), "valid Unicode without the NUL character");
            }
        }
        Integer interval = request.checkIntervalSeconds();
        if (interval != null && (interval < 1 || interval > MAX_CHECK_INTERVAL_SECONDS)) {
            throw Refusal.invalid("checkIntervalSeconds", "from 1 to " + MAX_CHECK_INTERVAL_SECONDS);
        }
        Integer staleAfter = request.syntheticStaleAfterMinutes();
        if (staleAfter != null && (staleAfter < 1 || staleAfter > MAX_SYNTHETIC_STALE_AFTER_MINUTES)) {
            throw Refusal.invalid("syntheticStaleAfterMinutes", "from 1 to " + MAX_SYNTHETIC_STALE_AFTER_MINUTES);
        }
        if (request.availabilityPolicy() != null && !request.availabilityPolicy().equals(FOLLOW_DEFAULT)
                && AvailabilityPolicy.find(request.availabilityPolicy()).isEmpty()) {
            throw Refusal.invalid("availabilityPolicy", "one of 2xx, http-200, default");
        }
        if (request.lifecycleScope() != null && !request.lifecycleScope().equals(FOLLOW_DEFAULT)
                && LifecycleScope.find(request.lifecycleScope()).isEmpty()) {
            throw Refusal.invalid("lifecycleScope", "one of all, installed, default");
        }
        String quorum = ProbeLocationValidator.quorum(request.quorum());
        List<String> probeLocations = ProbeLocationValidator.probeLocations(request.probeLocations());
        return new AppRequest(appKey, request.name(), request.partnerName(), request.healthcheckPath(),
                request.baseUrls() == null ? null : baseUrls(request.baseUrls()), interval,
                request.products() == null ? null : products(request.products()),
                request.sloOverrides() == null ? null : sloOverrides(request.sloOverrides()),
                request.statusPagePublic(), request.enabled(), staleAfter, request.availabilityPolicy(),
                request.lifecycleScope(), probeLocations, quorum);
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    static List<BaseUrl> baseUrls(List<BaseUrl> baseUrls) {
        if (baseUrls.size() > MAX_BASE_URLS) {
            throw Refusal.invalid("baseUrls", "at most " + MAX_BASE_URLS);
        }
        List<BaseUrl> normalised = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        Set<String> urls = new HashSet<>();
        for (int i = 0; i < baseUrls.size(); i++) {
            BaseUrl baseUrl = baseUrl("baseUrls[" + i + "]", baseUrls.get(i));
            if (!labels.add(baseUrl.label())) {
                throw Refusal.invalid("baseUrls[" + i + "].label", "duplicate label " + baseUrl.label());
            }
            if (!urls.add(baseUrl.url())) {
                throw Refusal.invalid("baseUrls[" + i + "].url", "duplicate URL: one target per base URL");
            }
            normalised.add(baseUrl);
        }
        return normalised;
    }

    static BaseUrl baseUrl(String field, BaseUrl baseUrl) {
        if (baseUrl == null) {
            throw Refusal.invalid(field, "an object with label and url is required");
        }
        if (baseUrl.label() == null || !LABEL.matcher(baseUrl.label()).matches()) {
            throw Refusal.invalid(field + ".label", "required, 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        return new BaseUrl(baseUrl.label(), url(field + ".url", baseUrl.url()),
                baseUrl.enabled() == null ? Boolean.TRUE : baseUrl.enabled());
    }

    private static String url(String field, String url) {
        if (url == null) {
            throw Refusal.invalid(field, "required");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw Refusal.invalid(field, "an absolute http(s) URL with a host, no credentials, query or fragment");
            }
        } catch (URISyntaxException e) {
            throw Refusal.invalid(field, "not a URL");
        }
        // The health check path is appended to it: one spelling per base URL.
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static List<String> products(List<String> products) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < products.size(); i++) {
            String product = products.get(i);
            Product match = product == null ? null : java.util.Arrays.stream(Product.values())
                    .filter(p -> p.wireValue().equals(product)).findFirst().orElse(null);
            if (match == null) {
                throw Refusal.invalid("products[" + i + "]", "one of jira, confluence");
            }
            if (!names.contains(match.name())) {
                names.add(match.name());
            }
        }
        return names;
    }

    private static Map<String, Double> sloOverrides(Map<String, Double> overrides) {
        Map<String, Double> checked = new LinkedHashMap<>();
        overrides.forEach((id, target) -> {
            if (SliId.find(id).filter(sli -> sli.measure() == SliId.Measure.RATIO).isEmpty()) {
                throw Refusal.invalid("sloOverrides." + id, "not the id of a ratio SLI");
            }
            if (target == null || !(target > 0 && target < 100)) {
                throw Refusal.invalid("sloOverrides." + id, "a target in percent, above 0 and below 100");
            }
            checked.put(id, target);
        });
        return checked;
    }
}
