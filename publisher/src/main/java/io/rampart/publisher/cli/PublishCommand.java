package io.rampart.publisher.cli;

import io.rampart.publisher.MetricItem;
import io.rampart.publisher.MetricStatus;
import io.rampart.publisher.MetricsType;
import io.rampart.publisher.PublishException;
import io.rampart.publisher.PublishRefusedException;
import io.rampart.publisher.PublishResult;
import io.rampart.publisher.PublishUnavailableException;
import io.rampart.publisher.RampartPublisher;
import io.rampart.publisher.junit.JUnitXmlReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar rampart-publish.jar}: publishes one item, or every test case of JUnit XML
 * reports, for an app. Exit codes: 0 published, 2 bad usage, 3 refused (4xx, the service's error
 * on stderr), 4 unreachable or 429/5xx after retries. The shared secret is read from the
 * environment variable {@code --secret-env} names, so it is never on a command line or in a log.
 */
@Command(name = "rampart-publish", mixinStandardHelpOptions = true, version = "rampart-publish 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Publishes an app's synthetic check or iframe results to Rampart's Metric Publish API.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:published", "2:bad usage", "3:refused by Rampart (4xx; its error on stderr)",
                "4:Rampart unreachable, or 429/5xx until the retry time ran out"})
public final class PublishCommand implements Callable<Integer> {

    static final int PUBLISHED = 0;
    static final int BAD_USAGE = 2;
    static final int REFUSED = 3;
    static final int UNAVAILABLE = 4;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "event-ingest's base URL, e.g. https://ingest.rampart.example")
    private String url;

    @Option(names = "--app", required = true, paramLabel = "APP_KEY", description = "the app key")
    private String appKey;

    @Option(names = "--secret-env", required = true, paramLabel = "VAR",
            description = "the environment variable holding the app's shared secret")
    private String secretEnv;

    @Option(names = "--type", paramLabel = "TYPE", description = "SYNTHETIC or IFRAME")
    private MetricsType type;

    @Option(names = "--status", paramLabel = "STATUS", description = "SUCCESS or FAIL")
    private MetricStatus status;

    @Option(names = "--duration-ms", paramLabel = "N", description = "the duration in milliseconds")
    private Long durationMillis;

    @Option(names = "--check", paramLabel = "NAME", description = "the check's name")
    private String checkName;

    @Option(names = "--event-id", paramLabel = "ID",
            description = "an id of this result: publishing it again does not count it twice (default: a random one)")
    private String eventId;

    @Option(names = "--timestamp", paramLabel = "ISO-8601", description = "when it happened, e.g. 2026-01-31T12:00:00Z (default: now)")
    private String timestamp;

    @Option(names = "--from-junit-xml", paramLabel = "DIR",
            description = "publish every executed test case of the JUnit XML reports in DIR (e.g. target/surefire-reports) as SYNTHETIC")
    private Path junitReports;

    @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "30",
            description = "retry 429, 5xx and an unreachable service for at most this long (default: ${DEFAULT-VALUE})")
    private long retryForSeconds;

    private final Map<String, String> environment;

    PublishCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command with its exit codes; {@code environment} is where the secret is looked up. */
    static CommandLine commandLine(Map<String, String> environment) {
        // Bad usage (picocli's parse errors and the ParameterExceptions of call()) exits 2, picocli's default.
        return new CommandLine(new PublishCommand(environment)).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        List<MetricItem> items;
        RampartPublisher publisher;
        try {
            items = items();
            publisher = RampartPublisher.builder(baseUrl(), appKey, secret())
                    .retryFor(Duration.ofSeconds(retryForSeconds)).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            PublishResult result = publisher.publish(items);
            spec.commandLine().getOut().printf("published %d item(s): %d counted, %d already stored%n",
                    items.size(), result.accepted(), result.duplicates());
            return PUBLISHED;
        } catch (PublishRefusedException e) {
            spec.commandLine().getErr().println("rampart-publish: refused: " + e.getMessage() + published(e.publishedBefore()));
            return REFUSED;
        } catch (PublishUnavailableException e) {
            spec.commandLine().getErr().println("rampart-publish: not published: " + e.getMessage() + published(e.publishedBefore()));
            return UNAVAILABLE;
        } catch (PublishException e) {
            throw new IllegalStateException("a publish fails either refused or unavailable", e);
        }
    }

    private List<MetricItem> items() {
        if (junitReports != null) {
            if (type != null || status != null || durationMillis != null || checkName != null || eventId != null
                    || timestamp != null) {
                throw new IllegalArgumentException("--from-junit-xml takes no --type, --status, --duration-ms, --check, "
                        + "--event-id or --timestamp: each test case gives its own");
            }
            if (!Files.isDirectory(junitReports)) {
                throw new IllegalArgumentException("--from-junit-xml: " + junitReports + " is not a directory");
            }
            try {
                return JUnitXmlReports.read(junitReports);
            } catch (IOException | JUnitXmlReports.UnreadableReportException e) {
                throw new IllegalArgumentException("--from-junit-xml: " + e.getMessage(), e);
            }
        }
        if (type == null || status == null) {
            throw new IllegalArgumentException("give --type and --status, or --from-junit-xml DIR");
        }
        MetricItem item = MetricItem.of(type, status);
        if (durationMillis != null) {
            if (durationMillis < 0) {
                throw new IllegalArgumentException("--duration-ms must not be negative");
            }
            item = item.withDurationMillis(durationMillis);
        }
        if (checkName != null) {
            item = item.withCheckName(checkName);
        }
        if (eventId != null) {
            item = item.withEventId(eventId);
        }
        if (timestamp != null) {
            item = item.withTimestamp(instant(timestamp));
        }
        return List.of(item);
    }

    private URI baseUrl() {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URL: " + e.getReason());
        }
    }

    /** The secret from the named variable; the message names the variable, never a value. */
    private String secret() {
        String secret = environment.get(secretEnv);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("--secret-env: the environment variable " + secretEnv + " is not set or empty");
        }
        return secret;
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--timestamp must be ISO-8601 with an offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    private static String published(PublishResult before) {
        return before.requests() == 0 ? "" : " (earlier requests stored " + before.accepted() + " item(s))";
    }
}
