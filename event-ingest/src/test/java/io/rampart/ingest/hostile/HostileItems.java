package io.rampart.ingest.hostile;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Hostile variants of a valid JSON item, each of which the contract of docs/ingest.md must refuse:
 * one field replaced by a wrong type, a huge number, deep nesting, an overlong string, a unicode
 * edge case or an injection attempt, chosen so that no variant is accidentally valid (free text
 * only gets what is refused there: NUL, lone surrogates, blanks, more than 255 characters).
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

    private static final List<String> INJECTIONS = List.of(
            "' OR '1'='1", "'; drop table app_event; --", "\" or 1=1 --", "1; select pg_sleep(5)",
            "$1::text", "') union select * from app_secret --", "\\'; delete from app; --",
            "\r\nX-Injected: 1", "x\r\nSet-Cookie: rampart=stolen", "%0d%0aX-Injected:%201",
            "${jndi:ldap://127.0.0.1/x}", "#{7*7}", "<script>alert(1)</script>", "../../etc/passwd");

    /** Text that is valid Java but must never pass a closed-set, key or time field. */
    private static final List<String> UNICODE_EDGES = List.of(
            "\u0000", "IFRAME\u0000", "\ud800", "\udfff", "SUCCESS\ud83d", "\u202eEMARFI", "\u200f\u200e",
            "\ud83d\ude80\ud83d\udd25", "\ufeffIFRAME", "I\u0307FRAME", "\uffff", "\u2028\u2029", "ＩＦＲＡＭＥ",
            "\u0130", "\u00a0", "\u0085");

    /** Values that fail the text fields themselves. */
    private static final List<String> BAD_TEXT = List.of(
            "\u0000", "run\u0000id", "\ud800", "x\udc00y", "tail\ud83d", "   ", "\t\n");

    private HostileItems() {
    }

    /** One field of {@code template} made hostile; the others keep their valid values. */
    static Arbitrary<Hostile> of(List<Field> template) {
        return Arbitraries.of(template).flatMap(field -> hostileValue(field).map(value -> {
            Map<String, String> item = new LinkedHashMap<>();
            template.forEach(f -> item.put(f.name(), f.validJson()));
            item.put(field.name(), value);
            return new Hostile(json(item), field.name() + " = " + abbreviate(value));
        }));
    }

    static String json(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> quote(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    static String json(List<Field> template) {
        Map<String, String> item = new LinkedHashMap<>();
        template.forEach(f -> item.put(f.name(), f.validJson()));
        return json(item);
    }

    private static Arbitrary<String> hostileValue(Field field) {
        return switch (field.kind()) {
            case CHOICE, APP_KEY, TIME -> Arbitraries.oneOf(notAString(), hostileText(), overlongText(),
                    Arbitraries.of(UNICODE_EDGES).map(HostileItems::quote));
            case TEXT -> Arbitraries.oneOf(notAString(), overlongText(), Arbitraries.of(BAD_TEXT).map(HostileItems::quote));
            case INT -> Arbitraries.oneOf(hugeNumber(), nested(), Arbitraries.of("1.5", "-0.5", "1e3", "1E400", "-1e-400",
                    "\"12\"", "true", "{}", "[1]", "\"NaN\""));
            case BOOL -> Arbitraries.oneOf(nested(), hugeNumber(), Arbitraries.of("\"true\"", "1", "0", "\"yes\"", "{}", "[]"));
        };
    }

    /** Numbers, booleans, arrays and objects where a string belongs. */
    private static Arbitrary<String> notAString() {
        return Arbitraries.oneOf(hugeNumber(), nested(), Arbitraries.of("true", "false", "0", "-1", "{}", "[]", "[\"IFRAME\"]",
                "{\"$ne\": null}"));
    }

    /** Integers far outside every range: 10^k with k up to 1200 digits (Jackson caps numbers at 1000). */
    private static Arbitrary<String> hugeNumber() {
        return Combinators.combine(Arbitraries.of("", "-"), Arbitraries.integers().between(10, 1200))
                .as((sign, digits) -> sign + "9" + "0".repeat(digits - 1));
    }

    /** Arrays or objects nested 2 to 3000 deep (Jackson refuses more than 1000). */
    private static Arbitrary<String> nested() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(2, 3000))
                .as((arrays, depth) -> arrays ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth));
    }

    /** Injection attempts, alone or wrapped in random letters. */
    private static Arbitrary<String> hostileText() {
        return Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), Arbitraries.of(INJECTIONS))
                .as((prefix, injection) -> quote(prefix + injection));
    }

    /** 256 characters to 300 000 (the body stays under 1 MiB), of random unicode. */
    private static Arbitrary<String> overlongText() {
        return Combinators.combine(Arbitraries.strings().all().ofLength(8), Arbitraries.integers().between(256, 300_000))
                .as((unit, length) -> quote("x" + unit.repeat(length / 8 + 1)));
    }

    /** A JSON string literal; control characters and lone surrogates as \\u escapes, as any client may send them. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Bodies that are not JSON at all: every strict prefix of a valid body, and classic malformations. */
    static Arbitrary<byte[]> malformedBodies(String validBody) {
        byte[] valid = validBody.getBytes(StandardCharsets.UTF_8);
        Arbitrary<byte[]> prefixes = Arbitraries.integers().between(1, valid.length - 1)
                .map(length -> Arrays.copyOf(valid, length));
        Arbitrary<byte[]> classics = Arbitraries.of(
                "[{'metricsType': 'IFRAME'}]", "[{metricsType: \"IFRAME\"}]", "[{\"a\": 1,}]", "[1,]", "[NaN]",
                "[{\"a\": 1} /* comment */]", "[{\"a\": 1}] trailing", "{\"events\": [}", "\u0000", "null x",
                "[{\"a\": \"\\x41\"}]", "[\"unterminated]", "{\"events\": [01]}",
                "[{\"a\": 1e}]", "[{\"a\": -}]", "[{\"a\": .5}]", "[{\"a\": +1}]", "[{\"a\": 0x10}]")
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        // Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, 0xFF.
        Arbitrary<byte[]> notUtf8 = Arbitraries.of(new byte[] {'[', '"', (byte) 0x80, '"', ']'},
                new byte[] {'[', '"', (byte) 0xC0, (byte) 0x80, '"', ']'}, new byte[] {'[', '"', (byte) 0xFF, '"', ']'},
                new byte[] {'{', '"', 'e', 'v', 'e', 'n', 't', 's', '"', ':', '[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']', '}'});
        return Arbitraries.oneOf(prefixes, classics, notUtf8);
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }
}
