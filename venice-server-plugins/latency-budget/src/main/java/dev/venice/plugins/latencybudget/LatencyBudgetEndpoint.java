package dev.venice.plugins.latencybudget;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code GET /plugins/latency-budget/status[?store=S]} on the router's admin port: each budgeted
 * store's budget and its last evaluation on this router, as JSON:
 *
 * <pre>{@code
 * {"instance": "router_7100", "evaluationIntervalMs": 30000, "windowEvaluations": 3,
 *  "stores": [{"store": "users", "budgetMs": 10, "minSamples": 100, "p99Ms": 12.4,
 *    "maxMs": 31.0, "samples": 5400, "exceeded": true,
 *    "lastEvaluation": "2026-12-01T06:40:00Z", "exceededCount": 2,
 *    "lastExceeded": "2026-12-01T06:40:00Z"}]}
 * }</pre>
 *
 * <p>Without {@code store}: every store with a budget and the plugin on now (from this router's
 * metadata), and every store evaluated and not yet dropped (see {@link BudgetEvaluator}), by
 * name. With it: that store only, budgeted or not ({@code budgetMs} 0 for none). {@code p99Ms}, {@code maxMs}, {@code samples}, {@code exceeded} and {@code
 * lastEvaluation} are {@code null} before the store's first evaluation; {@code lastExceeded} is
 * {@code null} when it never exceeded. Latencies in milliseconds, times in ISO-8601 UTC.
 *
 * <p>Errors: 405 for another method; 404 naming the store when the router's metadata has no such
 * store. Thread-safe: each call reads the evaluator's published state.
 */
final class LatencyBudgetEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BudgetEvaluator budgets;
  private final Optional<StoreMetadataService> metadata;
  private final String instance;
  private final Duration interval;

  LatencyBudgetEndpoint(BudgetEvaluator budgets, Optional<StoreMetadataService> metadata,
      String instance, Duration interval) {
    this.budgets = budgets;
    this.metadata = metadata;
    this.instance = instance;
    this.interval = interval;
  }

  @Override
  public String path() {
    return "status";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    TreeSet<String> stores = new TreeSet<>();
    Optional<String> one = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    if (one.isPresent()) {
      if (metadata.isPresent() && metadata.get().store(one.get()).isEmpty()) {
        return error(404, "store", "store " + one.get() + " does not exist");
      }
      stores.add(one.get());
    } else {
      metadata.ifPresent(m -> m.storeNames().stream()
          .filter(budgets::measured).forEach(stores::add));
      budgets.states().forEach(s -> stores.add(s.store()));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String store : stores) {
      rows.add(row(store));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("evaluationIntervalMs", interval.toMillis());
    body.put("windowEvaluations", budgets.windowEvaluations());
    body.put("stores", rows);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private Map<String, Object> row(String store) {
    LatencyBudgetConfig config = budgets.settings(store);
    Optional<BudgetEvaluator.StoreState> state = budgets.state(store);
    BudgetEvaluator.Evaluation last = state.map(BudgetEvaluator.StoreState::last).orElse(null);
    BudgetEvaluator.Evaluation exceeded =
        state.map(BudgetEvaluator.StoreState::lastExceeded).orElse(null);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("store", store);
    row.put("budgetMs", config.budgetMs());
    row.put("minSamples", config.minSamples());
    row.put("p99Ms", last == null ? null : last.p99Ms());
    row.put("maxMs", last == null ? null : last.maxMs());
    row.put("samples", last == null ? null : last.samples());
    row.put("exceeded", last == null ? null : last.exceeded());
    row.put("lastEvaluation", last == null ? null : last.at().toString());
    row.put("exceededCount", state.map(BudgetEvaluator.StoreState::exceededCount).orElse(0L));
    row.put("lastExceeded", exceeded == null ? null : exceeded.at().toString());
    return row;
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
