package io.rampart.sli.slo;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** An app's SLO overrides as stored in app.slo_overrides: SLI id to target in percent. */
public final class SloOverrides {

    private SloOverrides() {
    }

    public static Map<String, Double> fromJson(JsonObject stored) {
        Map<String, Double> overrides = new LinkedHashMap<>();
        stored.forEach(entry -> overrides.put(entry.getKey(), ((Number) entry.getValue()).doubleValue()));
        return overrides;
    }

    public static JsonObject toJson(Map<String, Double> overrides) {
        return new JsonObject(new LinkedHashMap<String, Object>(overrides));
    }
}
