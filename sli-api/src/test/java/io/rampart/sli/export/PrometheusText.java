package io.rampart.sli.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, as Prometheus's own parser
 * reads it: {@code # HELP} and {@code # TYPE} lines, then samples {@code name{label="value",...}
 * value [timestamp]} with escaped label values ({@code \\}, {@code \"}, {@code \n}). Anything
 * else is an error, so that a malformed exposition fails the test instead of being skipped.
 */
final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") .*");

    /** One sample: its metric name, its labels in order, its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The families' types and every sample. */
    record Exposition(Map<String, String> types, List<Sample> samples) {
    }

    private PrometheusText() {
    }

    static Exposition parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher type = TYPE.matcher(line);
                if (type.matches()) {
                    if (types.put(type.group(1), type.group(2)) != null) {
                        throw error(n, "a second TYPE line for " + type.group(1));
                    }
                } else if (!HELP.matcher(line).matches()) {
                    throw error(n, "a comment that is neither HELP nor TYPE");
                }
                continue;
            }
            samples.add(sample(line, n));
        }
        return new Exposition(types, samples);
    }

    private static Sample sample(String line, int n) {
        Matcher name = NAME.matcher(line);
        if (!name.lookingAt()) {
            throw error(n, "no metric name");
        }
        int at = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                Matcher labelName = LABEL_NAME.matcher(line).region(at, line.length());
                if (!labelName.lookingAt() || line.charAt(labelName.end()) != '=' || line.charAt(labelName.end() + 1) != '"') {
                    throw error(n, "a malformed label at column " + at);
                }
                StringBuilder value = new StringBuilder();
                int i = labelName.end() + 2;
                for (; line.charAt(i) != '"'; i++) {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        char escaped = line.charAt(++i);
                        value.append(switch (escaped) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw error(n, "an unknown escape \\" + escaped);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(labelName.group(), value.toString()) != null) {
                    throw error(n, "the label " + labelName.group() + " twice");
                }
                at = i + 1;
                if (line.charAt(at) == ',') {
                    at++;
                } else if (line.charAt(at) != '}') {
                    throw error(n, "no ',' or '}' after a label");
                }
            }
            at++;
        }
        String[] rest = line.substring(at).trim().split(" ");
        if (rest.length < 1 || rest.length > 2 || line.charAt(at) != ' ') {
            throw error(n, "not 'value [timestamp]' after the labels");
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name.group(), labels, value);
    }

    private static IllegalArgumentException error(int line, String what) {
        return new IllegalArgumentException("line " + (line + 1) + ": " + what);
    }
}
