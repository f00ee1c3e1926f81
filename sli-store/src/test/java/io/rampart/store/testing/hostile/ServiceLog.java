package io.rampart.store.testing.hostile;

import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The part of the service's log file ({@code quarkus.log.file.path} of the test profile) written
 * since a point in time: what the hostile requests made the service log, and nothing from its
 * start or from other test classes.
 */
public final class ServiceLog {

    /** JWTs, stack frames, and errors the service could not map to an answer. */
    private static final List<String> LEAKS = List.of("eyJ", "\tat ", "Caused by", " ERROR ");
    /** Where a log entry starts: its time stamp (the lines after it, up to the next one, are its stack trace). */
    private static final Pattern ENTRY = Pattern.compile("(?m)^(?=\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})");
    private final Path file;
    private final long start;

    private ServiceLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** Marks the current end of the log of the running application. */
    public static ServiceLog fromNow() {
        Path file = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.file.path", String.class));
        assertThat(file).as("the test profile's log file").exists();
        try {
            return new ServiceLog(file, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was written since {@link #fromNow()}. */
    public String written() {
        try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
            assertThat(log.length()).as("log %s rotated during the run", file).isGreaterThanOrEqualTo(start);
            byte[] bytes = new byte[(int) (log.length() - start)];
            log.seek(start);
            log.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No token, no secret, no stack trace, no ERROR line since {@link #fromNow()}. */
    public void assertNoLeaks(List<String> secrets) {
        List<String> forbidden = new ArrayList<>(LEAKS);
        forbidden.addAll(secrets);
        for (String entry : ENTRY.split(written())) {
            assertThat(entry).as("log entry written since the mark (%s)", file).doesNotContain(forbidden);
        }
    }
}
