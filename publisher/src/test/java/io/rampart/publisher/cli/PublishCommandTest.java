package io.rampart.publisher.cli;

import io.rampart.publisher.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's flags and exit codes against a loopback receiver (the real service: reliability's PublisherIT). */
class PublishCommandTest {

    private static final String SECRET = "s3cr3t-value-never-printed";

    private Receiver receiver;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private int run(Map<String, String> environment, String... flags) {
        List<String> args = new ArrayList<>(List.of("--url", receiver.url().toString(), "--app", "com.acme.timesheets"));
        args.addAll(List.of(flags));
        CommandLine command = PublishCommand.commandLine(environment);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args.toArray(String[]::new));
    }

    private int run(String... flags) {
        return run(Map.of("ACME_SECRET", SECRET), flags);
    }

    @Test
    void oneItemWithEveryFlagIsPublishedAndExitsZero() {
        int exit = run("--secret-env", "ACME_SECRET", "--type", "SYNTHETIC", "--status", "FAIL", "--duration-ms", "250",
                "--check", "checkout", "--event-id", "run-42", "--timestamp", "2026-11-30T10:15:00+01:00");

        assertThat(exit).isEqualTo(0);
        assertThat(out.toString()).contains("published 1 item(s): 1 counted, 0 already stored");
        assertThat(receiver.received()).singleElement().satisfies(request -> assertThat(request.body).contains(
                "\"metricsType\":\"SYNTHETIC\"", "\"status\":\"FAIL\"", "\"durationInMillis\":250", "\"checkName\":\"checkout\"",
                "\"eventId\":\"run-42\"", "\"timestamp\":\"2026-11-30T09:15:00Z\""));
    }

    @Test
    void badUsageExitsTwoAndSendsNothing() {
        assertThat(run("--secret-env", "ACME_SECRET", "--type", "SYNTHETIC")).isEqualTo(2);
        assertThat(run("--secret-env", "ACME_SECRET", "--type", "BROWSER", "--status", "SUCCESS")).isEqualTo(2);
        assertThat(run("--secret-env", "ACME_SECRET", "--type", "SYNTHETIC", "--status", "SUCCESS", "--timestamp", "yesterday"))
                .isEqualTo(2);
        assertThat(run("--secret-env", "ACME_SECRET", "--type", "SYNTHETIC", "--status", "SUCCESS", "--duration-ms", "-1"))
                .isEqualTo(2);
        assertThat(run("--secret-env", "ACME_SECRET", "--from-junit-xml", "no-such-dir")).isEqualTo(2);
        assertThat(run("--secret", SECRET, "--type", "SYNTHETIC", "--status", "SUCCESS")).isEqualTo(2);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aMissingSecretVariableIsNamedAndNoSecretIsPrinted() {
        int exit = run(Map.of("OTHER", SECRET), "--secret-env", "ACME_SECRET", "--type", "SYNTHETIC", "--status", "SUCCESS");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("ACME_SECRET is not set or empty").doesNotContain(SECRET);
    }

    @Test
    void aRefusalExitsThreeWithTheServersErrorOnStderr() {
        receiver.then(401, "{\"error\":\"unauthorized\",\"detail\":\"the token's signature does not verify with the app's shared secret\"}");

        int exit = run("--secret-env", "ACME_SECRET", "--type", "IFRAME", "--status", "SUCCESS");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).contains("refused: 401 unauthorized: the token's signature does not verify")
                .doesNotContain(SECRET);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void fiveHundredsUntilTheRetryTimeRunsOutExitFour() {
        for (int i = 0; i < 20; i++) {
            receiver.then(503, "{\"error\":\"unavailable\",\"detail\":\"the write queue is full\"}", Map.of("Retry-After", "1"));
        }

        int exit = run("--secret-env", "ACME_SECRET", "--type", "SYNTHETIC", "--status", "SUCCESS", "--retry-for", "2");

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).contains("not published", "503 unavailable: the write queue is full");
        assertThat(receiver.received()).hasSizeBetween(2, 3);
    }

    @Test
    void junitReportsArePublishedInOneRequest(@TempDir Path reports) throws Exception {
        Files.writeString(reports.resolve("TEST-a.xml"), "<testsuite><testcase classname=\"a.B\" name=\"c\" time=\"0.5\"/>"
                + "<testcase classname=\"a.B\" name=\"d\" time=\"0.1\"><failure/></testcase></testsuite>");

        int exit = run("--secret-env", "ACME_SECRET", "--from-junit-xml", reports.toString());

        assertThat(exit).isEqualTo(0);
        assertThat(receiver.received()).singleElement().satisfies(request -> {
            assertThat(request.items()).isEqualTo(2);
            assertThat(request.body).contains("\"checkName\":\"a.B.c\"", "\"checkName\":\"a.B.d\"", "\"status\":\"FAIL\"");
        });
    }
}
