package io.rampart.ingest.hostile;

import io.rampart.store.testing.hostile.HostileValues;
import io.rampart.store.testing.hostile.HostileValues.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Hostile variants of a valid JSON item, each of which the contract of docs/ingest.md must refuse:
 * one field replaced by a wrong type, a huge number, deep nesting, an overlong string, a unicode
 * edge case or an injection attempt (the shared {@link HostileValues}), chosen so that no variant is
 * accidentally valid (free text only gets what is refused there: NUL, lone surrogates, blanks, more
 * than 255 characters). The OpenAPI walk ({@code OpenApiHostileInputTest}) also sends what may be valid.
 */
final class HostileItems {

    /** What a field holds, which decides what is certainly invalid in it. */
    enum Kind {
        /** A closed set of words (metricsType, status, type, lifecycle, product, errorKind). */
        CHOICE,
        /** The host's appKey: [A-Za-z0-9._-]{1,255}. */
        APP_KEY,
        /** An ISO-8601 time with offset. */
        TIME,
        /** A whole number in a range. */
        INT,
        BOOL,
        /** Any non-blank text up to 255 characters (eventId, checkName, event). */
        TEXT
    }

    /** One field of a valid item: its name, kind and a valid value as JSON text. */
    record Field(String name, Kind kind, String validJson) {
    }

    /** A hostile item and what was done to it, for the failure message. */
    record Hostile(String itemJson, String what) {
    }

    /** Text that must never pass a closed-set, key or time field: unicode edges and look-alikes of the valid words. */
    private static final List<String> UNICODE_EDGES = List.of(
            "\u0000", "IFRAME\u0000", "\ud800", "\udfff", "SUCCESS\ud83d", "\u202eEMARFI", "\u200f\u200e",
            "\ud83d\ude80\ud83d\udd25", "\ufeffIFRAME", "I\u0307FRAME", "\uffff", "\u2028\u2029", "ＩＦＲＡＭＥ",
            "\u0130", "\u00a0", "\u0085");

    /** Values that fail the text fields themselves: what PostgreSQL cannot store, and blanks. */
    private static final List<String> BAD_TEXT = Stream.concat(HostileValues.UNSTORABLE_TEXT.stream(), Stream.of("   ", "\t\n"))
            .toList();

    private HostileItems() {
    }

    /** One field of {@code template} made hostile; the others keep their valid values. */
    static Arbitrary<Hostile> of(List<Field> template) {
        return Arbitraries.of(template).flatMap(field -> hostileValue(field).map(value -> {
            Map<String, String> item = new LinkedHashMap<>();
            template.forEach(f -> item.put(f.name(), f.validJson()));
            item.put(field.name(), value);
            return new Hostile(json(item), field.name() + " = " + HostileValues.abbreviate(value));
        }));
    }

    static String json(Map<String, String> fields) {
        Map<String, Json> item = new LinkedHashMap<>();
        fields.forEach((name, value) -> item.put(name, new Json(value)));
        return HostileValues.json(item);
    }

    static String json(List<Field> template) {
        Map<String, String> item = new LinkedHashMap<>();
        template.forEach(f -> item.put(f.name(), f.validJson()));
        return json(item);
    }

    private static Arbitrary<String> hostileValue(Field field) {
        return switch (field.kind()) {
            case CHOICE, APP_KEY, TIME -> Arbitraries.oneOf(notAString(), HostileValues.injections().map(HostileValues::quote),
                    overlongText(), Arbitraries.of(UNICODE_EDGES).map(HostileValues::quote));
            case TEXT -> Arbitraries.oneOf(notAString(), overlongText(), Arbitraries.of(BAD_TEXT).map(HostileValues::quote));
            case INT -> Arbitraries.oneOf(HostileValues.hugeIntegers(), nested(), Arbitraries.of("1.5", "-0.5", "1e3", "1E400",
                    "-1e-400", "\"12\"", "true", "{}", "[1]", "\"NaN\""));
            case BOOL -> Arbitraries.oneOf(nested(), HostileValues.hugeIntegers(),
                    Arbitraries.of("\"true\"", "1", "0", "\"yes\"", "{}", "[]"));
        };
    }

    /** Numbers, booleans, arrays and objects where a string belongs. */
    private static Arbitrary<String> notAString() {
        return Arbitraries.oneOf(HostileValues.hugeIntegers(), nested(), Arbitraries.of("true", "false", "0", "-1", "{}", "[]",
                "[\"IFRAME\"]", "{\"$ne\": null}"));
    }

    /** Arrays or objects nested 2 to 3000 deep (Jackson refuses more than 1000). */
    private static Arbitrary<String> nested() {
        return HostileValues.nested(2, 3000);
    }

    /** 256 characters to 300 000 (the body stays under 1 MiB), of random unicode. */
    private static Arbitrary<String> overlongText() {
        return HostileValues.overlong(256, 300_000).map(HostileValues::quote);
    }
}
