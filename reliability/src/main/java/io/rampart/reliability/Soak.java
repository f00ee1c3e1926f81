package io.rampart.reliability;

import io.rampart.local.ServiceProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak: one replica of every service under a steady mixed load for an hour (by
 * default); after a warm-up, each service's resident memory and live heap must stay flat within
 * 10 %. RSS is sampled every 30 s (median of a window, so a GC's ups and downs do not decide); the
 * live heap is the heap used right after a full GC forced with {@code jcmd <pid> GC.run} every
 * five minutes, so it measures what the service keeps, not when the collector last ran.
 *
 * <p>{@code java -cp ... io.rampart.reliability.Soak [minutes] [warm-up minutes]}, from
 * {@code bench/reliability/run soak}.
 */
public final class Soak {

    private static final Rig.Shape SHAPE = new Rig.Shape(1, 4, 5, 10, 4, 40, Cluster.ONE_LOCATION);
    private static final Duration RSS_EVERY = Duration.ofSeconds(30);
    private static final Duration LIVE_HEAP_EVERY = Duration.ofMinutes(5);
    private static final double FLAT = 0.10;

    /** One sample of one service: when (seconds since start), RSS and, on forced-GC samples, the live heap. */
    private record Sample(long second, long rssBytes, long liveHeapBytes) {
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 60);
        Duration warmUp = Duration.ofMinutes(args.length > 1 ? Long.parseLong(args[1]) : 10);
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("rampart-soak-");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        LoadGenerator.Tally tally;
        long probes;
        try (Rig rig = Rig.start(root, home, SHAPE)) {
            Instant start = Instant.now();
            rig.load.start();
            System.out.printf("Soak: %d min (warm-up %d min), %s%n", length.toMinutes(), warmUp.toMinutes(), SHAPE);
            System.out.println("minute  " + String.join("  ", rig.cluster.all().stream()
                    .map(replica -> String.format("%-38s", replica.name() + " RSS / live heap MB")).toList()));
            Instant nextLiveHeap = start;
            while (Instant.now().isBefore(start.plus(length))) {
                boolean forceGc = !Instant.now().isBefore(nextLiveHeap);
                if (forceGc) {
                    nextLiveHeap = nextLiveHeap.plus(LIVE_HEAP_EVERY);
                }
                long second = Duration.between(start, Instant.now()).toSeconds();
                List<String> row = new ArrayList<>();
                for (ServiceProcess replica : rig.cluster.all()) {
                    long live = forceGc ? liveHeap(http, replica) : -1;
                    Sample sample = new Sample(second, rss(replica), live);
                    samples.computeIfAbsent(replica.name(), name -> new ArrayList<>()).add(sample);
                    row.add(String.format("%-38s", String.format("%6.1f / %s", sample.rssBytes() / 1e6,
                            live < 0 ? "-" : String.format("%.1f", live / 1e6))));
                }
                if (forceGc) {
                    System.out.printf("%6.1f  %s%n", second / 60.0, String.join("  ", row));
                }
                Thread.sleep(RSS_EVERY.toMillis());
            }
            tally = rig.load.finish(Duration.ofSeconds(30));
            probes = rig.probesStored();
        }
        System.out.printf("load: %d events acknowledged of %d sent, %d SLI reads, %d probes stored; answers %s%n",
                tally.eventsAcknowledged(), tally.eventsSent(), tally.reads(), probes, tally.answers());
        boolean flat = verdict(samples, warmUp.toSeconds(), length.toSeconds());
        System.exit(flat ? 0 : 1);
    }

    /**
     * Compares the first ten minutes after warm-up with the last ten: RSS medians, and the live heap
     * (the mean of the forced-GC samples in each window). Prints one line per service.
     */
    private static boolean verdict(Map<String, List<Sample>> samples, long warmUpSeconds, long lengthSeconds) {
        long window = Math.min(600, (lengthSeconds - warmUpSeconds) / 2);
        boolean allFlat = true;
        System.out.printf("%nAfter warm-up: first %d s vs last %d s (flat = within %.0f %%)%n", window, window, FLAT * 100);
        for (Map.Entry<String, List<Sample>> service : samples.entrySet()) {
            List<Sample> first = service.getValue().stream()
                    .filter(s -> s.second() >= warmUpSeconds && s.second() < warmUpSeconds + window).toList();
            List<Sample> last = service.getValue().stream().filter(s -> s.second() >= lengthSeconds - window).toList();
            double rssFirst = median(first.stream().mapToLong(Sample::rssBytes).toArray());
            double rssLast = median(last.stream().mapToLong(Sample::rssBytes).toArray());
            double heapFirst = first.stream().filter(s -> s.liveHeapBytes() >= 0).mapToLong(Sample::liveHeapBytes)
                    .average().orElse(Double.NaN);
            double heapLast = last.stream().filter(s -> s.liveHeapBytes() >= 0).mapToLong(Sample::liveHeapBytes)
                    .average().orElse(Double.NaN);
            double rssGrowth = rssLast / rssFirst - 1;
            double heapGrowth = heapLast / heapFirst - 1;
            boolean flat = Math.abs(rssGrowth) <= FLAT && Math.abs(heapGrowth) <= FLAT;
            allFlat &= flat;
            System.out.printf("  %-22s RSS %6.1f -> %6.1f MB (%+5.1f %%)   live heap %5.1f -> %5.1f MB (%+5.1f %%)   %s%n",
                    service.getKey(), rssFirst / 1e6, rssLast / 1e6, rssGrowth * 100, heapFirst / 1e6, heapLast / 1e6,
                    heapGrowth * 100, flat ? "flat" : "NOT FLAT");
        }
        return allFlat;
    }

    private static double median(long[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }

    private static long rss(ServiceProcess replica) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(replica.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + replica.name());
    }

    /** Forces a full GC in the service ({@code jcmd GC.run}), then reads the heap it uses from its metrics. */
    private static long liveHeap(HttpClient http, ServiceProcess replica) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(replica.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new IOException("jcmd GC.run failed for " + replica.name());
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create(replica.managementUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        long used = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }
}
