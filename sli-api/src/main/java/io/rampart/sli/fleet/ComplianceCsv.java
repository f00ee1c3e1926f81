package io.rampart.sli.fleet;

import java.util.List;

/** A compliance answer as RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote or a line end. */
final class ComplianceCsv {

    static final String MEDIA_TYPE = "text/csv";
    static final String HEADER = "app_key,sli,target,value,good,total,attainment,incidents,breach_streak";

    private ComplianceCsv() {
    }

    static String write(Compliance compliance) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (ComplianceRow row : compliance.items()) {
            List<String> fields = List.of(row.appKey(), row.sli(), String.valueOf(row.target()),
                    row.value() == null ? "" : String.valueOf(row.value()), Long.toString(row.good()),
                    Long.toString(row.total()), row.attainment(), Long.toString(row.incidents()),
                    Integer.toString(row.breachStreak()));
            for (int i = 0; i < fields.size(); i++) {
                csv.append(i == 0 ? "" : ",").append(field(fields.get(i)));
            }
            csv.append("\r\n");
        }
        return csv.toString();
    }

    private static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\r") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
