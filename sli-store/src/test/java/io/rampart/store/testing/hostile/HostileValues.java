package io.rampart.store.testing.hostile;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The hostile vocabulary every hostile-input test draws from: injection attempts, unicode edge
 * cases, huge numbers, deep nesting, overlong text and malformed bodies, as JSON text or as plain
 * text. None of them contains what {@link HostileAnswers} looks for in an answer, so an answer that
 * quotes the value back is not taken for a leak.
 */
public final class HostileValues {

    /** SQL, header (CRLF), template, JNDI, script and path traversal attempts. */
    public static final List<String> INJECTIONS = List.of(
            "' OR '1'='1", "'; drop table app; --", "\" or 1=1 --", "1; select pg_sleep(5)", "$1::text",
            "') union select * from app_secret --", "\\'; delete from app; --", "\r\nX-Injected: 1",
            "x\r\nSet-Cookie: rampart=stolen", "%0d%0aX-Injected:%201", "${jndi:ldap://127.0.0.1/x}", "#{7*7}",
            "{{7*7}}", "<script>alert(1)</script>", "../../etc/passwd", "..\\..\\windows\\win.ini", "/%2e%2e/%2e%2e/");

    /** NUL, unpaired surrogates, RTL override, BOM, line and paragraph separators, look-alikes. */
    public static final List<String> UNICODE_EDGES = List.of(
            "\u0000", "a\u0000b", "\ud800", "x\udc00y", "tail\ud83d", "\u202eevil", "\u200f\u200e",
            "\ud83d\ude80\ud83d\udd25", "\ufeffkey", "I\u0307FRAME", "\uffff", "\u2028\u2029", "ＡＰＰ", "\u0130",
            "\u00a0", "\u0085");

    /** Only the NUL and unpaired surrogates: what no text field may store. */
    public static final List<String> UNSTORABLE_TEXT = List.of("\u0000", "a\u0000b", "\ud800", "x\udc00y", "tail\ud83d");

    /** Numbers beyond every range: 1e400 overflows a double, 99999999999999999999 a long. */
    public static final List<String> HUGE_NUMBERS = List.of("1e400", "-1e400", "1E400", "-1e-400", "99999999999999999999",
            "-99999999999999999999", "9223372036854775808", "2147483648", "1" + "0".repeat(1200));

    private HostileValues() {
    }

    /** Integers of 10 to 1 200 digits, either sign (Jackson refuses numbers over 1 000 digits). */
    public static Arbitrary<String> hugeIntegers() {
        return Combinators.combine(Arbitraries.of("", "-"), Arbitraries.integers().between(10, 1200))
                .as((sign, digits) -> sign + "9" + "0".repeat(digits - 1));
    }

    /** Huge integers or one of {@link #HUGE_NUMBERS}. */
    public static Arbitrary<String> hugeNumbers() {
        return Arbitraries.oneOf(hugeIntegers(), Arbitraries.of(HUGE_NUMBERS));
    }

    /** JSON arrays or objects nested {@code minDepth} to {@code maxDepth} deep. */
    public static Arbitrary<String> nested(int minDepth, int maxDepth) {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(minDepth, maxDepth))
                .as(HostileValues::nesting);
    }

    /** JSON nested 10 000 deep, ten times Jackson's limit. */
    public static Arbitrary<String> deeplyNested() {
        return Arbitraries.of(true, false).map(arrays -> nesting(arrays, 10_000));
    }

    private static String nesting(boolean arrays, int depth) {
        return arrays ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** Text of at least {@code minimum} characters, up to {@code maximum}, repeating random unicode. */
    public static Arbitrary<String> overlong(int minimum, int maximum) {
        return Combinators.combine(Arbitraries.strings().all().ofLength(8), Arbitraries.integers().between(minimum, maximum))
                .as((unit, length) -> ("x" + unit.repeat(length / 8 + 1)).substring(0, Math.max(minimum, length)));
    }

    /** Injection attempts, alone or after a few random letters. */
    public static Arbitrary<String> injections() {
        return Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), Arbitraries.of(INJECTIONS))
                .as((prefix, injection) -> prefix + injection);
    }

    /** Every kind of hostile text: injections, unicode edges, the empty string, 10^5 characters. */
    public static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(Tuple.of(4, injections()), Tuple.of(4, Arbitraries.of(UNICODE_EDGES)),
                Tuple.of(1, Arbitraries.of("", " ", "\t\n")), Tuple.of(1, overlong(100_000, 100_000)),
                Tuple.of(1, overlong(256, 5_000)));
    }

    /** JSON values that are not a string: numbers, booleans, null, containers, deep nesting. */
    public static Arbitrary<String> notAString() {
        return Arbitraries.oneOf(hugeNumbers(), nested(1, 3), deeplyNested(),
                Arbitraries.of("true", "false", "0", "-1", "1.5", "{}", "[]", "[\"x\"]", "{\"$ne\": null}"));
    }

    /** JSON values that are not a whole number in range: strings, fractions, huge numbers, containers. */
    public static Arbitrary<String> notAnInteger() {
        return Arbitraries.oneOf(hugeNumbers(), nested(1, 3), deeplyNested(), text().map(HostileValues::quote),
                Arbitraries.of("1.5", "-0.5", "1e3", "-1", "\"12\"", "true", "{}", "[1]", "\"NaN\"", "\"Infinity\""));
    }

    /** JSON values that are not a boolean. */
    public static Arbitrary<String> notABoolean() {
        return Arbitraries.oneOf(hugeNumbers(), nested(1, 3), deeplyNested(),
                Arbitraries.of("\"true\"", "\"yes\"", "\"maybe\"", "1", "0", "{}", "[]", "\"\""));
    }

    /** A JSON string literal; control characters and lone surrogates as \\u escapes, as any client may send them. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** JSON text of a tree of maps, lists, strings, numbers, booleans, nulls and {@link Json} values. */
    public static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Json raw) {
            return raw.text();
        }
        if (value instanceof String text) {
            return quote(text);
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> quote(String.valueOf(e.getKey())) + ": " + json(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(HostileValues::json).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** JSON text taken as it is: a hostile value that no Java value stands for (1e400, a NUL escape). */
    public record Json(String text) {
    }

    /** Bodies that are not JSON: every strict prefix of a valid body, classic malformations, bytes that are not UTF-8. */
    public static Arbitrary<byte[]> malformedJson(String validBody) {
        byte[] valid = validBody.getBytes(StandardCharsets.UTF_8);
        Arbitrary<byte[]> prefixes = Arbitraries.integers().between(1, Math.max(1, valid.length - 1))
                .map(length -> Arrays.copyOf(valid, length));
        Arbitrary<byte[]> classics = Arbitraries.of(
                "[{'metricsType': 'IFRAME'}]", "[{metricsType: \"IFRAME\"}]", "[{\"a\": 1,}]", "[1,]", "[NaN]",
                "[{\"a\": 1} /* comment */]", "[{\"a\": 1}] trailing", "{\"events\": [}", "\u0000", "null x",
                "[{\"a\": \"\\x41\"}]", "[\"unterminated]", "{\"events\": [01]}", "{\"a\": 1} {\"a\": 2}",
                "[{\"a\": 1e}]", "[{\"a\": -}]", "[{\"a\": .5}]", "[{\"a\": +1}]", "[{\"a\": 0x10}]", "", " ", "\ufeff")
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        // Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, 0xFF, an encoded surrogate.
        Arbitrary<byte[]> notUtf8 = Arbitraries.of(new byte[] {'[', '"', (byte) 0x80, '"', ']'},
                new byte[] {'[', '"', (byte) 0xC0, (byte) 0x80, '"', ']'}, new byte[] {'[', '"', (byte) 0xFF, '"', ']'},
                new byte[] {'{', '"', 'e', 'v', 'e', 'n', 't', 's', '"', ':', '[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']', '}'});
        return Arbitraries.oneOf(prefixes, classics, notUtf8);
    }

    /** JSON of the wrong top-level type, or nested far beyond the parser's limit. */
    public static Arbitrary<String> wrongJsonDocument() {
        return Arbitraries.oneOf(deeplyNested(), hugeNumbers(), Arbitraries.of("null", "true", "0", "\"x\"", "[]", "{}", "[null]",
                "[[]]", "{\"\": {}}", quote("\u0000")));
    }

    /** The start of a long text, for failure messages. */
    public static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }
}
