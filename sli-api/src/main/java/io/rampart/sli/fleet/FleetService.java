package io.rampart.sli.fleet;

import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.Window;
import io.rampart.store.error.Refusal;
import io.rampart.store.event.Product;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fleet by error budget left (docs/fleet.md): every enabled app's SLI entries from the same
 * code as its own summary ({@link SliService#entries}). A ranking orders every app on the
 * window's counts in one read of the rollups and is stored; pages answer its apps in full. A
 * first page reads the newest ranking of the same question (made anew in the background once
 * it is older than rampart.fleet.ranking-refresh and than twice what the last one took to make,
 * so that a large fleet on a busy replica spends at most a third of its time ranking), whose first apps were answered in full when
 * it was made, so that it costs no rollup read; a cursor names a ranking and its window, so
 * later pages neither skip nor repeat an app while events keep arriving.
 */
@ApplicationScoped
public class FleetService {

    /** The fleet question: the summary's window and readings, and the fleet's filters and page. */
    public record Query(String window, String from, String to, String sli, boolean belowSlo, String prefix,
            String product, String webhookPolicy, String quantile, String adjustments, Integer limit, String cursor) {

        /** What a ranking answers: a cursor is valid only with the same. */
        String rankingKey() {
            return String.join("|", String.valueOf(window), String.valueOf(from), String.valueOf(to), String.valueOf(sli), String.valueOf(belowSlo), String.valueOf(prefix),
                    String.valueOf(product), String.valueOf(webhookPolicy), String.valueOf(adjustments));
        }
    }

    /**
     * The first {@link #FIRST_PAGE_APPS} apps of a ranking answered in full when it was made, with
     * its window and length: what first pages are served from; and how long making it took.
     */
    private record FirstPage(UUID ranking, Instant made, Duration took, Instant from, Instant to, int size,
            List<FleetItem> items) {
    }

    /** How many apps of each ranking are answered when it is made: the default page. */
    static final int FIRST_PAGE_APPS = 100;

    /** An app's place in the ranking. */
    private record Ranked(String appKey, Double budget) {
    }

    private static final Comparator<Ranked> LEAST_BUDGET_FIRST = Comparator
            .comparing(Ranked::budget, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Ranked::appKey);

    private static final Logger LOG = Logger.getLogger(FleetService.class);

    private final SliService slis;
    private final FleetRepository repository;
    private final FleetConfig config;
    /** Questions whose ranking this replica is making anew. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    /** The first page of the newest ranking of each question (and quantile) this replica answered. */
    private final Map<String, FirstPage> firstPages = new ConcurrentHashMap<>();

    public FleetService(SliService slis, FleetRepository repository, FleetConfig config) {
        this.slis = slis;
        this.repository = repository;
        this.config = config;
    }

    public Uni<FleetPage> page(Query query, Instant now) {
        SliId sli = sli(query.sli());
        int limit = limit(query.limit());
        String product = product(query.product());
        SliService.checkAdjustments(query.adjustments());
        if (query.cursor() != null) {
            String[] cursor = parseCursor(query.cursor());
            return fromRanking(UUID.fromString(cursor[0]), Integer.parseInt(cursor[1]), limit, query, sli);
        }
        return repository.latestRanking(query.rankingKey(), config.rankingTtl()).chain(latest -> {
            if (latest == null) {
                return rank(query, sli, product, now).chain(id -> fromRanking(id, 0, limit, query, sli));
            }
            if (latest.age().compareTo(refreshAfter(query)) > 0) {
                refreshInBackground(query, sli, product, now);
            }
            return fromRanking(latest.id(), 0, limit, query, sli);
        });
    }

    /**
     * Ranks every enabled app (of the filters) on the window's counts, one read of the rollups for
     * all of them, and stores the order: the ranking the first page and every cursor read. Its
     * first apps are answered in full at the same time, for the first pages to come.
     */
    private Uni<UUID> rank(Query query, SliId sli, String product, Instant now) {
        long started = System.nanoTime();
        Window window = slis.window(new SliService.Query(query.window(), query.from(), query.to(), null,
                query.webhookPolicy(), query.quantile()), now);
        return repository.enabledApps(query.prefix(), product).chain(apps -> slis.entries(FleetRepository.overrides(apps),
                        window, query.webhookPolicy(), query.quantile(), query.adjustments(), false)
                .chain(budgets -> {
                    List<String> order = rank(budgets, sli, query.belowSlo());
                    Map<String, FleetRepository.App> byKey = apps.stream()
                            .collect(Collectors.toMap(FleetRepository.App::appKey, Function.identity()));
                    List<FleetRepository.App> first = order.stream().limit(FIRST_PAGE_APPS).map(byKey::get).toList();
                    return answer(first, window, query, sli, null).chain(page -> repository
                            .saveRanking(window.from(), window.to(), query.rankingKey(), order, config.rankingTtl())
                            .invoke(id -> remember(query, new FirstPage(id, Instant.now(),
                                    Duration.ofNanos(System.nanoTime() - started), window.from(), window.to(),
                                    order.size(), page.items()))));
                }));
    }

    /** Keeps the first page of a question's newest ranking; those of rankings expired since go. */
    private void remember(Query query, FirstPage page) {
        Instant expired = page.made().minus(config.rankingTtl());
        firstPages.values().removeIf(kept -> kept.made().isBefore(expired));
        firstPages.merge(firstPageKey(query), page, (kept, made) -> made.made().isAfter(kept.made()) ? made : kept);
    }

    private static String firstPageKey(Query query) {
        return query.rankingKey() + "|" + query.quantile();
    }

    /**
     * The age after which a question's ranking is made anew: the setting, or twice what making the
     * last one here took if longer.
     */
    private Duration refreshAfter(Query query) {
        FirstPage last = firstPages.get(firstPageKey(query));
        return last == null || last.took().multipliedBy(2).compareTo(config.rankingRefresh()) <= 0
                ? config.rankingRefresh() : last.took().multipliedBy(2);
    }

    /** A newer ranking for the next first pages, made once at a time per question in this replica. */
    private void refreshInBackground(Query query, SliId sli, String product, Instant now) {
        String key = query.rankingKey();
        if (refreshing.add(key)) {
            rank(query, sli, product, now).eventually(() -> refreshing.remove(key)).subscribe().with(
                    id -> LOG.debugf("fleet ranking %s refreshed", id),
                    failure -> LOG.warnf(failure, "the fleet ranking could not be refreshed"));
        }
    }

    /**
     * Positions offset + 1 to offset + limit of a stored ranking, answered in full: a first page
     * from the apps answered when the ranking was made, when this replica made or read it.
     */
    private Uni<FleetPage> fromRanking(UUID id, int offset, int limit, Query query, SliId sli) {
        FirstPage first = firstPages.get(firstPageKey(query));
        if (offset == 0 && limit <= FIRST_PAGE_APPS && first != null && first.ranking().equals(id)) {
            return Uni.createFrom().item(new FleetPage(first.from(), first.to(),
                    first.items().subList(0, Math.min(limit, first.items().size())),
                    limit < first.size() ? cursor(id, limit) : null));
        }
        return repository.rankingPage(id, offset + 1, offset + limit, config.rankingTtl()).chain(stored -> {
            if (stored == null) {
                throw Refusal.invalid("cursor", "the ranking this cursor pages through has expired: start again without a cursor");
            }
            if (!stored.query().equals(query.rankingKey())) {
                throw Refusal.invalid("cursor", "the cursor belongs to other filters: repeat them, or start again without a cursor");
            }
            String next = offset + limit < stored.size() ? cursor(id, offset + limit) : null;
            return repository.apps(stored.appKeys()).chain(found -> {
                Map<String, FleetRepository.App> byKey = found.stream()
                        .collect(Collectors.toMap(FleetRepository.App::appKey, Function.identity()));
                // in the stored order; an app deleted since is left out
                List<FleetRepository.App> page = stored.appKeys().stream().filter(byKey::containsKey).map(byKey::get).toList();
                return answer(page, new Window(stored.from(), stored.to()), query, sli, next);
            });
        });
    }

    /** The page's apps in full (quantiles, burn rates and alerts), with their open incidents. */
    private Uni<FleetPage> answer(List<FleetRepository.App> page, Window window, Query query, SliId sli, String next) {
        if (page.isEmpty()) {
            return Uni.createFrom().item(new FleetPage(window.from(), window.to(), List.of(), next));
        }
        List<String> keys = page.stream().map(FleetRepository.App::appKey).toList();
        return Uni.combine().all().unis(
                        slis.entries(FleetRepository.overrides(page), window, query.webhookPolicy(), query.quantile(),
                                query.adjustments(), true),
                        repository.openIncidents(keys))
                .with((entries, open) -> {
                    List<FleetItem> items = new ArrayList<>();
                    for (FleetRepository.App app : page) {
                        List<SliEntry> shown = entries.get(app.appKey()).stream()
                                .filter(entry -> sli == null || entry.id().equals(sli.id())).toList();
                        items.add(new FleetItem(app.appKey(), app.name(), shown, open.getOrDefault(app.appKey(), 0L)));
                    }
                    return new FleetPage(window.from(), window.to(), items, next);
                });
    }

    /** App keys by error budget left, lowest first (no figures last), then by key; below-SLO apps only if asked. */
    static List<String> rank(Map<String, List<SliEntry>> entries, SliId sli, boolean belowSloOnly) {
        List<Ranked> ranked = new ArrayList<>();
        entries.forEach((appKey, slis) -> {
            List<SliEntry> judged = slis.stream()
                    .filter(entry -> entry.slo() != null && (sli == null || entry.id().equals(sli.id()))).toList();
            if (belowSloOnly && judged.stream().noneMatch(FleetService::belowSlo)) {
                return;
            }
            Double least = judged.stream().map(entry -> entry.slo().errorBudgetRemaining())
                    .filter(budget -> budget != null).min(Double::compare).orElse(null);
            ranked.add(new Ranked(appKey, least));
        });
        ranked.sort(LEAST_BUDGET_FIRST);
        return ranked.stream().map(Ranked::appKey).toList();
    }

    /** An SLI with an objective whose value is under its target. */
    public static boolean belowSlo(SliEntry entry) {
        return entry.slo() != null && entry.value() != null && entry.value() < entry.slo().target();
    }

    private static SliId sli(String id) {
        if (id == null) {
            return null;
        }
        return SliId.find(id).orElseThrow(() -> Refusal.invalid("sli", "no SLI " + id));
    }

    /** A product as the registry stores it, from its wire value ({@code jira}, {@code confluence}). */
    private static String product(String wireValue) {
        if (wireValue == null) {
            return null;
        }
        return Arrays.stream(Product.values()).filter(product -> product.wireValue().equals(wireValue)).findFirst()
                .map(Product::name)
                .orElseThrow(() -> Refusal.invalid("product", "one of jira, confluence"));
    }

    private int limit(Integer limit) {
        if (limit == null) {
            return Math.min(100, config.maxLimit());
        }
        if (limit < 1 || limit > config.maxLimit()) {
            throw Refusal.invalid("limit", "from 1 to " + config.maxLimit());
        }
        return limit;
    }

    private static String cursor(UUID id, int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((id + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static String[] parseCursor(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
            if (parts.length == 2 && Integer.parseInt(parts[1]) >= 0) {
                UUID.fromString(parts[0]);
                return parts;
            }
        } catch (IllegalArgumentException malformed) {
            // answered below
        }
        throw Refusal.invalid("cursor", "not a cursor of this API");
    }
}
