package io.rampart.sli.export;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metric and label names a PromQL expression (or a Grafana {@code label_values(...)}
 * query) uses: names in selectors' braces and in {@code by}/{@code without}/{@code on}/
 * {@code ignoring} lists are labels; other identifiers that are not functions (followed by '('),
 * keywords, Grafana variables or quoted text are metrics.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern BRACES = Pattern.compile("\\{([^}]*)}");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
    private static final Pattern LABEL_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("\\$?[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    private PromQl() {
    }

    static void read(String query, Set<String> metrics, Set<String> labels) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            metrics.add(labelValues.group(1));
            labels.add(labelValues.group(2));
            return;
        }
        String rest = query;
        Matcher braces = BRACES.matcher(rest);
        while (braces.find()) {
            Matcher matcher = LABEL_MATCHER.matcher(STRING.matcher(braces.group(1)).replaceAll("\"\""));
            while (matcher.find()) {
                labels.add(matcher.group(1));
            }
        }
        rest = BRACES.matcher(rest).replaceAll(" ");
        Matcher grouping = GROUPING.matcher(rest);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        rest = GROUPING.matcher(STRING.matcher(rest).replaceAll(" ")).replaceAll(" ");
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            boolean function = rest.substring(identifier.end()).stripLeading().startsWith("(");
            boolean number = identifier.start() > 0 && Character.isDigit(rest.charAt(identifier.start() - 1));
            if (!function && !number && !name.startsWith("$") && !KEYWORDS.contains(name.toLowerCase())) {
                metrics.add(name);
            }
        }
    }
}
