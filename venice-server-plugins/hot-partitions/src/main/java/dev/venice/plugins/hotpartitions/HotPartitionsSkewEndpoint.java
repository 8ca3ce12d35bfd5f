package dev.venice.plugins.hotpartitions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/hot-partitions/skew[?store=S][&refresh=true]} on a controller's admin port:
 * the latest evaluation of every store (or of store {@code S}), as JSON:
 *
 * <pre>{@code
 * {"stores": [{"store": "users", "enabled": true, "evaluatedAt": "2026-12-01T06:40:12Z",
 *   "version": 3, "partitionCount": 12, "countedPartitions": 12, "totalRate": 5200.0,
 *   "errorRate": 0.0, "meanRate": 433.3, "skew": 11.5,
 *   "threshold": 10.0, "minTotalRate": 1.0, "hot": true, "hotPartitions": [7], "note": null,
 *   "partitions": [{"partition": 7, "rate": 5000.0, "error": 0.0, "replicas": 2,
 *                   "share": 0.96, "hot": true}, ...],
 *   "serversAnswered": ["host_7002"], "serversNotAnswering": {"host_7003": "timed out ..."}}]}
 * }</pre>
 *
 * <p>{@code refresh=true} evaluates now (asking every server) instead of returning the background
 * task's latest; a store never evaluated yet is evaluated now. Stores are by name, partitions by
 * decreasing rate. Errors (JSON {@code error}, {@code parameter}): 404 when store {@code S} does
 * not exist, 400 for a {@code refresh} that is not {@code true} or {@code false}, 405 for a method
 * other than GET. Thread-safe. A refresh does not hold a lock while servers are asked: it reuses
 * an evaluation of the same scope (or of every store) in flight or finished less than {@link
 * SkewMonitor#REUSE} ago, else gathers anew; it waits as long as the gather takes ({@code
 * server-timeout} per round of the host's parallel calls).
 */
final class HotPartitionsSkewEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SkewMonitor monitor;
  private final StoreMetadataService metadata;

  HotPartitionsSkewEndpoint(SkewMonitor monitor, StoreMetadataService metadata) {
    this.monitor = monitor;
    this.metadata = metadata;
  }

  @Override
  public String path() {
    return "skew";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    String refreshText = request.queryParameter("refresh").map(String::strip).orElse("false");
    if (!refreshText.equals("true") && !refreshText.equals("false")) {
      return error(400, "refresh", "refresh " + refreshText + " is not true or false");
    }
    boolean refresh = refreshText.equals("true");
    Optional<String> store = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    List<SkewMonitor.Report> reports;
    if (store.isPresent()) {
      if (metadata.store(store.get()).isEmpty()) {
        return error(404, "store", "store " + store.get() + " does not exist");
      }
      Optional<SkewMonitor.Report> latest = monitor.latest(store.get());
      reports = List.of(refresh || latest.isEmpty() ? monitor.evaluate(store.get())
          : latest.get());
    } else {
      reports = refresh ? monitor.evaluateAll() : monitor.latest();
    }
    List<Map<String, Object>> stores = new ArrayList<>();
    reports.stream().sorted((a, b) -> a.store().compareTo(b.store()))
        .forEach(r -> stores.add(json(r)));
    return PluginHttpResponse.json(200, JSON.writeValueAsString(Map.of("stores", stores)));
  }

  private static Map<String, Object> json(SkewMonitor.Report r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("store", r.store());
    row.put("enabled", r.enabled());
    row.put("evaluatedAt", r.evaluatedAt().toString());
    SkewEvaluator.Evaluation e = r.evaluation();
    if (e != null) {
      row.put("version", e.version());
      row.put("partitionCount", e.partitionCount());
      row.put("countedPartitions", e.countedPartitions());
      row.put("totalRate", e.totalRate());
      row.put("errorRate", e.errorRate());
      row.put("meanRate", e.meanRate());
      row.put("skew", e.skew());
      row.put("threshold", e.threshold());
      row.put("minTotalRate", e.minTotalRate());
      row.put("hot", e.hot());
      row.put("hotPartitions", e.hotPartitions());
      row.put("note", e.note());
      row.put("partitions", e.partitions().stream().map(p -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partition", p.partition());
        m.put("rate", p.rate());
        m.put("error", p.error());
        m.put("replicas", p.replicas());
        m.put("share", p.share());
        m.put("hot", p.hot());
        return m;
      }).toList());
    }
    row.put("serversAnswered", r.serversAnswered());
    row.put("serversNotAnswering", r.serversNotAnswering());
    return row;
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
