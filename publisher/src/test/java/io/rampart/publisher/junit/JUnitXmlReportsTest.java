package io.rampart.publisher.junit;

import io.rampart.publisher.MetricItem;
import io.rampart.publisher.MetricStatus;
import io.rampart.publisher.MetricsType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class JUnitXmlReportsTest {

    private static final String SUREFIRE_REPORT = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuite name=\"com.acme.LoginIT\" time=\"1,234.5\" tests=\"4\" errors=\"1\" skipped=\"1\" failures=\"1\">\n"
            + "  <properties><property name=\"java.version\" value=\"17\"/></properties>\n"
            + "  <testcase name=\"logsIn\" classname=\"com.acme.LoginIT\" time=\"0.1234\"/>\n"
            + "  <testcase name=\"refusesABadPassword\" classname=\"com.acme.LoginIT\" time=\"1,200.5\">\n"
            + "    <failure message=\"expected 401\" type=\"java.lang.AssertionError\">trace</failure>\n"
            + "  </testcase>\n"
            + "  <testcase name=\"timesOut\" classname=\"com.acme.LoginIT\" time=\"3\"><error type=\"TimeoutException\"/></testcase>\n"
            + "  <testcase name=\"notYet\" classname=\"com.acme.LoginIT\" time=\"0\"><skipped/></testcase>\n"
            + "</testsuite>\n";

    @Test
    void eachExecutedCaseIsASyntheticItemNamedClassDotMethodWithItsOutcomeAndTime(@TempDir Path reports) throws Exception {
        Files.writeString(reports.resolve("TEST-com.acme.LoginIT.xml"), SUREFIRE_REPORT);
        Files.writeString(reports.resolve("com.acme.LoginIT.txt"), "not a report");
        Files.writeString(reports.resolve("other.xml"), "<project/>");

        List<MetricItem> items = JUnitXmlReports.read(reports);

        assertThat(items).extracting(MetricItem::type, MetricItem::checkName, MetricItem::status, MetricItem::durationMillis)
                .containsExactly(
                        tuple(MetricsType.SYNTHETIC, "com.acme.LoginIT.logsIn", MetricStatus.SUCCESS, 123L),
                        tuple(MetricsType.SYNTHETIC, "com.acme.LoginIT.refusesABadPassword", MetricStatus.FAIL, 1_200_500L),
                        tuple(MetricsType.SYNTHETIC, "com.acme.LoginIT.timesOut", MetricStatus.FAIL, 3000L));
    }

    @Test
    void theSameReportGivesTheSameEventIdsAndAnotherReportOthers(@TempDir Path reports) throws Exception {
        Path report = reports.resolve("TEST-a.xml");
        Files.writeString(report, SUREFIRE_REPORT);
        List<MetricItem> first = JUnitXmlReports.read(reports);
        List<MetricItem> again = JUnitXmlReports.read(reports);
        Files.writeString(report, SUREFIRE_REPORT.replace("0.1234", "0.2"));
        List<MetricItem> nextRun = JUnitXmlReports.read(reports);

        assertThat(again).extracting(MetricItem::eventId).isEqualTo(first.stream().map(MetricItem::eventId).toList())
                .doesNotHaveDuplicates();
        assertThat(nextRun).extracting(MetricItem::eventId).doesNotContainAnyElementsOf(
                first.stream().map(MetricItem::eventId).toList());
    }

    @Test
    void aLongNameKeepsItsEndWithinTheApisLimit(@TempDir Path reports) throws Exception {
        String className = "com.acme." + "deep.".repeat(60) + "LoginIT";
        Files.writeString(reports.resolve("TEST-long.xml"),
                "<testsuite><testcase classname=\"" + className + "\" name=\"logsIn\" time=\"0\"/></testsuite>");

        String name = JUnitXmlReports.read(reports).get(0).checkName();

        assertThat(name).hasSize(255).endsWith("deep.LoginIT.logsIn");
    }

    @Test
    void aReportWithADoctypeIsRefusedAndNoEntityIsRead(@TempDir Path reports) throws Exception {
        Files.writeString(reports.resolve("TEST-x.xml"), "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<testsuite><testcase classname=\"c\" name=\"&e;\"/></testsuite>");

        assertThatThrownBy(() -> JUnitXmlReports.read(reports))
                .isInstanceOf(JUnitXmlReports.UnreadableReportException.class)
                .hasMessageContaining("TEST-x.xml");
    }
}
