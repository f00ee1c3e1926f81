package io.rampart.sli.alert.notify;

import io.rampart.sli.alert.AlertConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The links a notification carries: the app's status page and the incident in the API. */
@ApplicationScoped
public class Links {

    private final String base;

    public Links(AlertConfig config) {
        String url = config.publicUrl();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String statusPage(Notification notification) {
        return base + "/status/" + segment(notification.appKey());
    }

    public String incident(Notification notification) {
        return base + "/api/v1/apps/" + segment(notification.appKey()) + "/incidents/" + segment(notification.incidentId());
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
