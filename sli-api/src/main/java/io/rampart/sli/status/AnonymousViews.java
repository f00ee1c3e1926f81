package io.rampart.sli.status;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts anonymous status page views per client network in fixed windows, in this replica: an
 * address (IPv4) or a /64 (IPv6, where one host holds a whole /64) may view
 * {@link StatusPageConfig#anonymousViews()} pages per window. The counters live in a bounded
 * cache, so a flood from many addresses costs bounded memory.
 */
@ApplicationScoped
public class AnonymousViews {

    /** The views of one network since {@code startNanos}. */
    private record Window(long startNanos, AtomicInteger views) {
    }

    private final int allowed;
    private final Duration window;
    private final Cache<String, Window> windows;

    public AnonymousViews(StatusPageConfig config) {
        this.allowed = config.anonymousViews();
        this.window = config.anonymousWindow();
        this.windows = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
    }

    /** Counts a view from {@code address}; answers 0 when allowed, else the seconds until its window ends. */
    public long take(String address) {
        Window current = windows.get(network(address), key -> new Window(System.nanoTime(), new AtomicInteger()));
        if (current.views().incrementAndGet() <= allowed) {
            return 0;
        }
        long left = window.toNanos() - (System.nanoTime() - current.startNanos());
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** The address, or its /64 for IPv6. */
    private static String network(String address) {
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            // Not an address literal (a Unix socket peer, say): counted as written, never looked up.
            return address;
        }
        try {
            InetAddress parsed = InetAddress.getByName(address);
            if (parsed instanceof Inet6Address) {
                byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
                Arrays.fill(prefix, 8, 16, (byte) 0);
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
