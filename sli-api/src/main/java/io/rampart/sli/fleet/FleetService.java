package io.rampart.sli.fleet;

import io.rampart.sli.api.ApiException;
import io.rampart.sli.sli.SliEntry;
import io.rampart.sli.sli.SliService;
import io.rampart.sli.sli.Window;
import io.rampart.store.event.Product;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fleet by error budget left (docs/fleet.md): every enabled app's SLI entries from the same
 * code as its own summary ({@link SliService#entries}). The first page ranks every app on the
 * window's counts in one read of the rollups, stores the order and answers the page's apps in
 * full; a cursor names the stored order and its window, so later pages neither skip nor repeat
 * an app while events keep arriving.
 */
@ApplicationScoped
public class FleetService {

    /** The fleet question: the summary's window and readings, and the fleet's filters and page. */
    public record Query(String window, String from, String to, String sli, boolean belowSlo, String prefix,
            String product, String webhookPolicy, String quantile, Integer limit, String cursor) {

        /** What a ranking answers: a cursor is valid only with the same. */
        String rankingKey() {
            return String.join("|", String.valueOf(sli), String.valueOf(belowSlo), String.valueOf(prefix),
                    String.valueOf(product), String.valueOf(webhookPolicy));
        }
    }

    /** An app's place in the ranking. */
    private record Ranked(String appKey, Double budget) {
    }

    private static final Comparator<Ranked> LEAST_BUDGET_FIRST = Comparator
            .comparing(Ranked::budget, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Ranked::appKey);

    private final SliService slis;
    private final FleetRepository repository;
    private final FleetConfig config;

    public FleetService(SliService slis, FleetRepository repository, FleetConfig config) {
        this.slis = slis;
        this.repository = repository;
        this.config = config;
    }

    public Uni<FleetPage> page(Query query, Instant now) {
        SliId sli = sli(query.sli());
        int limit = limit(query.limit());
        if (query.cursor() != null) {
            return nextPage(query, sli, limit);
        }
        Window window = slis.window(new SliService.Query(query.window(), query.from(), query.to(), null,
                query.webhookPolicy(), query.quantile()), now);
        return repository.enabledApps(query.prefix(), product(query.product()))
                .chain(apps -> slis.entries(FleetRepository.overrides(apps), window, query.webhookPolicy(), query.quantile(), false)
                        .chain(budgets -> {
                            List<String> ranking = rank(budgets, sli, query.belowSlo());
                            List<String> first = ranking.subList(0, Math.min(limit, ranking.size()));
                            Map<String, FleetRepository.App> byKey = apps.stream()
                                    .collect(Collectors.toMap(FleetRepository.App::appKey, Function.identity()));
                            List<FleetRepository.App> page = first.stream().map(byKey::get).toList();
                            Uni<String> next = ranking.size() <= limit ? Uni.createFrom().nullItem()
                                    : repository.saveRanking(window.from(), window.to(), query.rankingKey(), ranking,
                                            config.rankingTtl()).map(id -> cursor(id, limit));
                            return next.chain(cursor -> answer(page, window, query, sli, cursor));
                        }));
    }

    private Uni<FleetPage> nextPage(Query query, SliId sli, int limit) {
        String[] cursor = parseCursor(query.cursor());
        UUID id = UUID.fromString(cursor[0]);
        int offset = Integer.parseInt(cursor[1]);
        return repository.rankingPage(id, offset + 1, offset + limit, config.rankingTtl()).chain(stored -> {
            if (stored == null) {
                throw ApiException.badRequest("cursor", "the ranking this cursor pages through has expired: start again without a cursor");
            }
            if (!stored.query().equals(query.rankingKey())) {
                throw ApiException.badRequest("cursor", "the cursor belongs to other filters: repeat them, or start again without a cursor");
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
        return slis.entries(FleetRepository.overrides(page), window, query.webhookPolicy(), query.quantile(), true)
                .chain(entries -> repository.openIncidents(keys).map(open -> {
                    List<FleetItem> items = new ArrayList<>();
                    for (FleetRepository.App app : page) {
                        List<SliEntry> shown = entries.get(app.appKey()).stream()
                                .filter(entry -> sli == null || entry.id().equals(sli.id())).toList();
                        items.add(new FleetItem(app.appKey(), app.name(), shown, open.getOrDefault(app.appKey(), 0L)));
                    }
                    return new FleetPage(window.from(), window.to(), items, next);
                }));
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
        SliId sli = SliId.fromId(id);
        if (sli == null) {
            throw ApiException.badRequest("sli", "no SLI " + id);
        }
        return sli;
    }

    /** A product as the registry stores it, from its wire value ({@code jira}, {@code confluence}). */
    private static String product(String wireValue) {
        if (wireValue == null) {
            return null;
        }
        return Arrays.stream(Product.values()).filter(product -> product.wireValue().equals(wireValue)).findFirst()
                .map(Product::name)
                .orElseThrow(() -> ApiException.badRequest("product", "one of jira, confluence"));
    }

    private int limit(Integer limit) {
        if (limit == null) {
            return Math.min(100, config.maxLimit());
        }
        if (limit < 1 || limit > config.maxLimit()) {
            throw ApiException.badRequest("limit", "from 1 to " + config.maxLimit());
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
        throw ApiException.badRequest("cursor", "not a cursor of this API");
    }
}
