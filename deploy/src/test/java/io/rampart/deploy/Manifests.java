package io.rampart.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Reads the manifests under deploy/: the files as written, and each overlay as kustomize renders it. */
public final class Manifests {

    /** deploy/, this module's directory (surefire names it in "basedir" and runs the tests there). */
    public static final Path DEPLOY = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    public static final Path PROJECT = DEPLOY.getParent();
    public static final Path BASE = DEPLOY.resolve("base");
    public static final Path OVERLAYS = DEPLOY.resolve("overlays");

    // A key written twice in one mapping is silently "last wins" for kubectl: here it fails.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Manifests() {
    }

    public static List<String> overlayNames() {
        try (Stream<Path> entries = Files.list(OVERLAYS)) {
            return entries.filter(Files::isDirectory).map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every manifest file of the base and the overlays, kustomization files excepted. */
    public static List<Path> manifestFiles() {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(path -> path.startsWith(BASE) || path.startsWith(OVERLAYS))
                    .filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
                    .filter(path -> !path.getFileName().toString().startsWith("kustomization."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Manifest> readFile(Path file) {
        try {
            return parse(Files.readString(file), DEPLOY.relativize(file).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Manifest> readFiles(Path directory) {
        return manifestFiles().stream().filter(file -> file.startsWith(directory)).flatMap(file -> readFile(file).stream()).toList();
    }

    public static List<Manifest> parse(String yaml, String origin) {
        List<Manifest> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                index++;
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    manifests.add(new Manifest(origin + "#" + index, document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + origin + ": " + e.getMessage(), e);
        }
        return manifests;
    }

    public static boolean kubectlAvailable() {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "kubectl")));
    }

    public static final String NO_KUBECTL = "kubectl is not on the PATH: the rendered overlays (kubectl kustomize deploy/overlays/*) "
            + "were NOT checked; install kubectl to check them";

    /** The overlay as {@code kubectl apply -k} would send it. */
    public static List<Manifest> render(String overlay) {
        Path directory = OVERLAYS.resolve(overlay);
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString()).start();
            Future<byte[]> errors = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + overlay + " did not finish in 2 minutes");
            }
            String stderr = new String(errors.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + stderr);
            }
            return parse(output, "kubectl kustomize overlays/" + overlay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the errors of kubectl kustomize " + overlay, e);
        }
    }

    private static byte[] readAll(java.io.InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
