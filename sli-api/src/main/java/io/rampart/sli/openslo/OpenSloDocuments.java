package io.rampart.sli.openslo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rampart.store.error.Refusal;
import io.rampart.store.sli.SliId;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An app's SLOs as OpenSLO v1 documents, one {@code kind: SLO} per ratio SLI that has a target:
 * the indicator inline as a ratio metric of Rampart's good and total events, {@code budgetingMethod:
 * Occurrences}, a rolling 28-day window, one objective. Read back, anything else is refused with
 * a 400 naming the field ({@code documents[i].spec...}): Rampart cannot keep it.
 */
final class OpenSloDocuments {

    static final String API_VERSION = "openslo/v1";
    static final String WINDOW = "28d";
    static final String METRIC_SOURCE_TYPE = "Rampart";
    static final String SLI_ANNOTATION = "rampart.io/sli";

    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> SPEC_FIELDS = Set.of("description", "service", "indicator", "indicatorRef",
            "timeWindow", "budgetingMethod", "objectives", "alertPolicies");
    private static final Set<String> OBJECTIVE_FIELDS = Set.of("displayName", "target", "targetPercent", "op", "value",
            "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight");

    private OpenSloDocuments() {
    }

    /** The documents of an app's targets (SLI to target in percent), as one YAML stream. */
    static String render(String appKey, Map<SliId, Double> targets) {
        StringBuilder yaml = new StringBuilder();
        targets.forEach((sli, target) -> {
            ObjectNode document = YAML.createObjectNode().put("apiVersion", API_VERSION).put("kind", "SLO");
            ObjectNode metadata = document.putObject("metadata").put("name", sli.id().replace('_', '-'))
                    .put("displayName", sli.displayName());
            metadata.putObject("annotations").put("rampart.io/app-key", appKey).put(SLI_ANNOTATION, sli.id());
            ObjectNode spec = document.putObject("spec").put("description", sli.displayName() + " of " + appKey)
                    .put("service", appKey);
            ObjectNode indicator = spec.putObject("indicator");
            indicator.putObject("metadata").put("name", sli.id().replace('_', '-'));
            ObjectNode ratio = indicator.putObject("spec").putObject("ratioMetric").put("counter", false);
            for (String count : List.of("good", "total")) {
                ratio.putObject(count).putObject("metricSource").put("type", METRIC_SOURCE_TYPE)
                        .putObject("spec").put("appKey", appKey).put("sli", sli.id()).put("count", count);
            }
            spec.putArray("timeWindow").addObject().put("duration", WINDOW).put("isRolling", true);
            spec.put("budgetingMethod", "Occurrences");
            spec.putArray("objectives").addObject().put("displayName", sli.displayName() + " target")
                    .put("target", BigDecimal.valueOf(target).movePointLeft(2));
            try {
                yaml.append(YAML.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an SLO document could not be written", e);
            }
        });
        return yaml.toString();
    }

    /** The targets (SLI to percent) a YAML stream of OpenSLO SLO documents sets for the app; 400 otherwise. */
    static Map<SliId, Double> parse(String appKey, String yaml) {
        Map<SliId, Double> targets = new LinkedHashMap<>();
        int index = 0;
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml == null ? "" : yaml)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                String at = "documents[" + index++ + "]";
                SloTarget slo = slo(appKey, document, at);
                if (targets.put(slo.sli(), slo.percent()) != null) {
                    throw Refusal.invalid(at + ".spec.indicator", "a second SLO of " + slo.sli().id()
                            + ": Rampart keeps one objective per SLI");
                }
            }
        } catch (IOException e) {
            throw Refusal.invalid("body", "not a YAML stream of OpenSLO documents ("
                    + e.getMessage().lines().findFirst().orElse("unreadable") + ")");
        }
        if (index == 0) {
            throw Refusal.invalid("body", "no OpenSLO document");
        }
        return targets;
    }

    private record SloTarget(SliId sli, double percent) {
    }

    private static SloTarget slo(String appKey, JsonNode document, String at) {
        requireObject(document, at);
        onlyKnown(document, DOCUMENT_FIELDS, at);
        requireText(document, "apiVersion", API_VERSION, at);
        JsonNode metadata = document.path("metadata");
        requireObject(metadata, at + ".metadata");
        if (!NAME.matcher(metadata.path("name").asText("")).matches()) {
            throw Refusal.invalid(at + ".metadata.name", "1 to 253 of a-z, 0-9, '-' and '.', starting and ending alphanumeric");
        }
        requireText(document, "kind", "SLO", at + ".kind",
                "Rampart keeps SLO documents with their indicator inline, not kind " + document.path("kind").asText());
        JsonNode spec = document.path("spec");
        requireObject(spec, at + ".spec");
        onlyKnown(spec, SPEC_FIELDS, at + ".spec");
        if (!appKey.equals(spec.path("service").asText(null))) {
            throw Refusal.invalid(at + ".spec.service", "must be the app key " + appKey);
        }
        if (spec.has("indicatorRef")) {
            throw Refusal.invalid(at + ".spec.indicatorRef", "put the indicator inline (spec.indicator)");
        }
        if (spec.has("alertPolicies") && !spec.path("alertPolicies").isEmpty()) {
            throw Refusal.invalid(at + ".spec.alertPolicies",
                    "Rampart alerts on the SRE workbook's burn rates through notification channels, not alert policies");
        }
        SliId sli = indicator(appKey, spec.path("indicator"), at + ".spec.indicator");
        if (!"Occurrences".equals(spec.path("budgetingMethod").asText(null))) {
            throw Refusal.invalid(at + ".spec.budgetingMethod", "must be Occurrences: Rampart counts good and total events");
        }
        JsonNode windows = spec.path("timeWindow");
        if (!windows.isArray() || windows.size() != 1) {
            throw Refusal.invalid(at + ".spec.timeWindow", "one window: [{duration: 28d, isRolling: true}]");
        }
        JsonNode window = windows.get(0);
        if (!WINDOW.equals(window.path("duration").asText(null))) {
            throw Refusal.invalid(at + ".spec.timeWindow[0].duration", "must be 28d: Rampart's SLO window");
        }
        if (!window.path("isRolling").asBoolean(false) || window.has("calendar")) {
            throw Refusal.invalid(at + ".spec.timeWindow[0].isRolling", "must be true: Rampart's window is rolling");
        }
        JsonNode objectives = spec.path("objectives");
        if (!objectives.isArray() || objectives.size() != 1) {
            throw Refusal.invalid(at + ".spec.objectives", "exactly one objective: Rampart keeps one target per SLI");
        }
        return new SloTarget(sli, percent(objectives.get(0), at + ".spec.objectives[0]"));
    }

    private static SliId indicator(String appKey, JsonNode indicator, String at) {
        requireObject(indicator, at);
        JsonNode spec = indicator.path("spec");
        if (!spec.has("ratioMetric")) {
            throw Refusal.invalid(at + ".spec.ratioMetric", "Rampart's SLIs are ratio metrics of good and total events");
        }
        JsonNode ratio = spec.path("ratioMetric");
        if (ratio.has("bad") || ratio.has("raw")) {
            throw Refusal.invalid(at + ".spec.ratioMetric", "good and total, as Rampart counts them");
        }
        if (ratio.has("counter") && !ratio.path("counter").isBoolean()) {
            throw Refusal.invalid(at + ".spec.ratioMetric.counter", "true or false");
        }
        SliId sli = null;
        for (String count : List.of("good", "total")) {
            String field = at + ".spec.ratioMetric." + count + ".metricSource";
            JsonNode source = ratio.path(count).path("metricSource");
            if (!METRIC_SOURCE_TYPE.equals(source.path("type").asText(null))) {
                throw Refusal.invalid(field + ".type", "must be " + METRIC_SOURCE_TYPE + ": Rampart measures its own SLIs");
            }
            JsonNode sourceSpec = source.path("spec");
            if (sourceSpec.has("appKey") && !appKey.equals(sourceSpec.path("appKey").asText())) {
                throw Refusal.invalid(field + ".spec.appKey", "must be the app key " + appKey);
            }
            if (!count.equals(sourceSpec.path("count").asText(null))) {
                throw Refusal.invalid(field + ".spec.count", "must be " + count);
            }
            SliId named = SliId.find(sourceSpec.path("sli").asText("")).filter(found -> found.measure() == SliId.Measure.RATIO)
                    .orElseThrow(() -> Refusal.invalid(field + ".spec.sli", "the id of one of Rampart's ratio SLIs"));
            if (sli != null && sli != named) {
                throw Refusal.invalid(field + ".spec.sli", "good and total must be of the same SLI");
            }
            sli = named;
        }
        return sli;
    }

    private static double percent(JsonNode objective, String at) {
        requireObject(objective, at);
        onlyKnown(objective, OBJECTIVE_FIELDS, at);
        for (String field : List.of("op", "value", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef",
                "compositeWeight")) {
            if (objective.has(field)) {
                throw Refusal.invalid(at + "." + field, "Rampart's objectives are a target share of good events only");
            }
        }
        BigDecimal percent;
        String field;
        if (objective.has("target") == objective.has("targetPercent")) {
            throw Refusal.invalid(at + ".target", "give target (0-1) or targetPercent (0-100)");
        } else if (objective.has("target")) {
            field = at + ".target";
            percent = number(objective.path("target"), field).movePointRight(2);
        } else {
            field = at + ".targetPercent";
            percent = number(objective.path("targetPercent"), field);
        }
        if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) >= 0) {
            throw Refusal.invalid(field, "above 0 and below 1 (targetPercent: 100)");
        }
        return percent.doubleValue();
    }

    private static BigDecimal number(JsonNode node, String field) {
        if (!node.isNumber()) {
            throw Refusal.invalid(field, "a number");
        }
        return node.decimalValue();
    }

    private static void requireObject(JsonNode node, String field) {
        if (!node.isObject()) {
            throw Refusal.invalid(field, "an object");
        }
    }

    private static void requireText(JsonNode document, String name, String expected, String at) {
        requireText(document, name, expected, at + "." + name, "must be " + expected);
    }

    private static void requireText(JsonNode document, String name, String expected, String field, String why) {
        if (!expected.equals(document.path(name).asText(null))) {
            throw Refusal.invalid(field, why);
        }
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw Refusal.invalid(at + "." + name, "not a field Rampart can keep");
            }
        }
    }
}
