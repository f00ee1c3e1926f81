package io.rampart.sli.export;

import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.sli.SliService;
import io.rampart.sli.sli.SliSummary;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

/**
 * Computes every enabled app's SLI answer over 1 h and 28 d through {@link SliService#summary}
 * (the one definition of each figure), a few apps at a time, and keeps the exposition text, plain
 * and gzipped, for scrapes to answer as they are. The cost of the figures is paid once per
 * refresh, not once per scrape or per scraper.
 */
@ApplicationScoped
public class SliExporter {

    /** The windows exported, by their label in the {@code window} label and the API's {@code ?window=}. */
    static final List<String> WINDOWS = List.of("1h", "28d");

    private static final Logger LOG = Logger.getLogger(SliExporter.class);

    /** One computed export: the text and its gzip, ready to send. */
    public record Exposition(byte[] text, byte[] gzipped, Instant refreshedAt) {
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
                .map(apps -> {
                    // merge() completes apps in any order; the exposition lists them by key.
                    List<SliMetrics.AppFigures> sorted = apps.stream()
                            .sorted((a, b) -> a.appKey().compareTo(b.appKey())).toList();
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    byte[] text = SliMetrics.text(sorted, took, now.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
                    Exposition exposition = new Exposition(text, gzip(text), now);
                    latest.set(exposition);
                    return exposition;
                });
    }

    /** Both windows of one app; null when the app went away since it was listed. */
    private Uni<SliMetrics.AppFigures> figures(String appKey, Instant now) {
        Map<String, SliSummary> byWindow = new LinkedHashMap<>();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String window : WINDOWS) {
            all = all.chain(() -> slis.summary(appKey, new SliService.Query(window, null, null, null, null, null), now)
                    .invoke(summary -> byWindow.put(window, summary)).replaceWithVoid());
        }
        return all.map(done -> new SliMetrics.AppFigures(appKey, byWindow))
                .onFailure().invoke(e -> LOG.debugf("app %s left out of the SLI export: %s", appKey, e.toString()))
                .onFailure().recoverWithNull();
    }

    private static byte[] gzip(byte[] text) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(text.length / 8 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }
}
