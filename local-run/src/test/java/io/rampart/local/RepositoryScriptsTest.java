package io.rampart.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shell script of the repository (./run-local, .ci/run, the benchmarks' run scripts) is
 * executable and parses, so that a script no test runs cannot rot unseen: the benchmarks run for
 * hours and are started by hand, long after the change that broke one.
 */
class RepositoryScriptsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** What is built, kept or generated, not written. */
    private static final Set<String> NOT_SOURCE = Set.of("target", ".git", ".rampart", ".mvn", "node_modules");

    @Test
    void everyShellScriptIsExecutableAndParses() throws Exception {
        List<Path> scripts = shellScripts();
        assertThat(scripts).as("the scripts found under %s", ROOT)
                .contains(ROOT.resolve("run-local"), ROOT.resolve(".ci/run"), ROOT.resolve("bench/fleet/run"));
        for (Path script : scripts) {
            assertThat(Files.isExecutable(script)).as("%s is executable", ROOT.relativize(script)).isTrue();
            Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.exitValue()).as("bash -n %s: %s", ROOT.relativize(script), said).isZero();
        }
    }

    private static List<Path> shellScripts() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(file -> Stream.of(ROOT.relativize(file).toString().split("/")).noneMatch(NOT_SOURCE::contains))
                    .filter(Files::isRegularFile)
                    .filter(RepositoryScriptsTest::startsWithABashShebang)
                    .sorted().toList();
        }
    }

    private static boolean startsWithABashShebang(Path file) {
        try (var in = Files.newInputStream(file)) {
            String start = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
            return start.startsWith("#!") && start.lines().findFirst().orElse("").matches("#!\\s*/\\S*(bash|/sh)(\\s.*)?|#!\\s*/usr/bin/env\\s+(bash|sh)(\\s.*)?");
        } catch (IOException unreadable) {
            return false;
        }
    }
}
