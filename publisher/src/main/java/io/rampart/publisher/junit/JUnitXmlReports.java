package io.rampart.publisher.junit;

import io.rampart.publisher.MetricItem;
import io.rampart.publisher.MetricStatus;
import io.rampart.publisher.connect.Sha256;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test cases of JUnit XML reports (Surefire's and Failsafe's {@code TEST-*.xml}, Gradle's, Ant's)
 * as SYNTHETIC items: one per executed test case, named {@code class.method}, SUCCESS unless it
 * has a {@code failure} or {@code error}, its {@code time} as the duration; skipped cases are left
 * out. Each item's {@code eventId} is derived from the report's bytes and the case's place in it,
 * so the same report published twice (a retried CI job, several containers) counts once.
 */
public final class JUnitXmlReports {

    private static final int MAX_CHECK_NAME = 255;

    private JUnitXmlReports() {
    }

    /** An unreadable report: the file named, the parser's reason. */
    public static final class UnreadableReportException extends Exception {
        UnreadableReportException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The items of every {@code *.xml} report directly in {@code directory}, files in name order. */
    public static List<MetricItem> read(Path directory) throws IOException, UnreadableReportException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(file -> file.getFileName().toString().endsWith(".xml") && Files.isRegularFile(file))
                    .sorted().collect(Collectors.toList());
        }
        List<MetricItem> items = new ArrayList<>();
        for (Path file : files) {
            items.addAll(readReport(file));
        }
        return items;
    }

    static List<MetricItem> readReport(Path file) throws IOException, UnreadableReportException {
        byte[] bytes = Files.readAllBytes(file);
        Document report;
        try {
            report = parser().parse(new ByteArrayInputStream(bytes));
        } catch (SAXException e) {
            throw new UnreadableReportException(file + " is not well-formed XML: " + e.getMessage(), e);
        }
        String root = report.getDocumentElement().getTagName();
        if (!"testsuite".equals(root) && !"testsuites".equals(root)) {
            return List.of();
        }
        String reportId = "junit-" + Sha256.hex(bytes).substring(0, 32) + "-";
        List<MetricItem> items = new ArrayList<>();
        NodeList cases = report.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            if (hasChild(testCase, "skipped")) {
                continue;
            }
            boolean failed = hasChild(testCase, "failure") || hasChild(testCase, "error");
            MetricItem item = MetricItem.synthetic(failed ? MetricStatus.FAIL : MetricStatus.SUCCESS)
                    .withCheckName(checkName(testCase))
                    .withEventId(reportId + i);
            Long millis = millis(testCase.getAttribute("time"));
            items.add(millis == null ? item : item.withDurationMillis(millis));
        }
        return items;
    }

    private static String checkName(Element testCase) {
        String className = testCase.getAttribute("classname");
        String name = className.isEmpty() ? testCase.getAttribute("name") : className + "." + testCase.getAttribute("name");
        return fitCheckName(name);
    }

    /** The API's limit on a check name is 255; a longer name keeps its end, where the method name is. */
    static String fitCheckName(String name) {
        return name.length() <= MAX_CHECK_NAME ? name : name.substring(name.length() - MAX_CHECK_NAME);
    }

    /** Seconds as written ({@code 0.012}; some writers group thousands with ','), to whole milliseconds. */
    private static Long millis(String seconds) {
        if (seconds.isBlank()) {
            return null;
        }
        try {
            long millis = new BigDecimal(seconds.trim().replace(",", "")).movePointRight(3)
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
            return millis < 0 ? null : millis;
        } catch (NumberFormatException | ArithmeticException unreadable) {
            return null;
        }
    }

    private static boolean hasChild(Element element, String name) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && name.equals(((Element) child).getTagName())) {
                return true;
            }
        }
        return false;
    }

    /** A parser that reads no DTD and no external entity: reports may come from anywhere. */
    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // Errors reach the caller as the exception; the default handler would also print them.
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
    }
}
