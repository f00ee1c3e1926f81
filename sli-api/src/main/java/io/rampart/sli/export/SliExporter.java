package io.rampart.sli.export;

import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.SliSummary;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Computes every enabled app's SLI answer over 1 h and 28 d through {@link SliService#summary}
 * (the one definition of each figure), a few apps at a time, keeps each app's samples only (not
 * its answers), and writes the exposition gzipped for scrapes to answer as it is. The cost of the figures is paid once per
 * refresh, not once per scrape or per scraper.
 */
@ApplicationScoped
public class SliExporter {

    /** The windows exported, by their label in the {@code window} label and the API's {@code ?window=}. */
    static final List<String> WINDOWS = List.of("1h", "28d");

    private static final Logger LOG = Logger.getLogger(SliExporter.class);

    /**
     * One computed export, kept gzipped only (at 5,000 apps about 1.4 MB instead of 41 MB of text):
     * a scraper that takes gzip gets these bytes, another the text decompressed as it is sent.
     */
    public record Exposition(byte[] gzipped, Instant refreshedAt) {

        public InputStream text() {
            try {
                return new GZIPInputStream(new ByteArrayInputStream(gzipped));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final ExportRepository repository;
    private final SliService slis;
    private final SliExportConfig config;
    private final AtomicReference<Exposition> latest = new AtomicReference<>();

    public SliExporter(ExportRepository repository, SliService slis, SliExportConfig config) {
        this.repository = repository;
        this.slis = slis;
        this.config = config;
    }

    @Scheduled(every = "${rampart.sli-export.refresh-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRefresh() {
        return refresh().onFailure().invoke(e -> LOG.warnf("the SLI export was not refreshed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The last computed export, or null before the first refresh has completed. */
    public Exposition latest() {
        return latest.get();
    }

    /** Computes the export again and makes it the one scrapes answer. */
    public Uni<Exposition> refresh() {
        long started = System.nanoTime();
        Instant now = Instant.now();
        return repository.exportedApps()
                .onItem().transformToMulti(keys -> Multi.createFrom().iterable(keys))
                .onItem().transformToUni(appKey -> figures(appKey, now)).merge(config.concurrency())
                .filter(Objects::nonNull)
                .collect().asList()
                // Writing and compressing tens of megabytes is work for a worker, not the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(apps -> {
                    // merge() completes apps in any order; the exposition lists them by key.
                    List<SliMetrics.AppSamples> sorted = apps.stream()
                            .sorted((a, b) -> a.appKey().compareTo(b.appKey())).toList();
                    Exposition exposition = new Exposition(gzip(sorted, Duration.ofNanos(System.nanoTime() - started),
                            now.toEpochMilli()), now);
                    latest.set(exposition);
                    return exposition;
                });
    }

    /** The samples of both windows of one app; null when the app went away since it was listed. */
    private Uni<SliMetrics.AppSamples> figures(String appKey, Instant now) {
        Map<String, SliSummary> byWindow = new LinkedHashMap<>();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String window : WINDOWS) {
            all = all.chain(() -> slis.summary(appKey, new SliService.Query(window, null, null, null, null, null), now)
                    .invoke(summary -> byWindow.put(window, summary)).replaceWithVoid());
        }
        return all.map(done -> SliMetrics.samples(appKey, byWindow))
                .onFailure().invoke(e -> LOG.debugf("app %s left out of the SLI export: %s", appKey, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** The exposition written straight into gzip: the plain text is never held whole. */
    private static byte[] gzip(List<SliMetrics.AppSamples> apps, Duration took, long refreshedAtMillis) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(64 * 1024);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(compressed), StandardCharsets.UTF_8))) {
            SliMetrics.write(apps, took, refreshedAtMillis, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }
}
