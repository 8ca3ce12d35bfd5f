package dev.venice.plugins.ingestionstagemetrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.IngestionStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/ingestion-stage-metrics/breakdown[?store=S]} on the server's admin port: the
 * stage timings of every store with timings on this server (or of {@code S}), as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "windowSeconds": 30.0, "stores": [{"store": "users", "stages": [
 *   {"stage": "DECODE", "used": true, "count": 1200, "meanNanos": 2210.5, "p50Nanos": 1900,
 *    "p99Nanos": 8100, "maxNanos": 40100, "recordsPerSecond": 40.0, "spanSeconds": 30.0,
 *    "totalCount": 5000, "totalNanos": 11052500},
 *   {"stage": "WRITE_COMPUTE", "used": false, "note": "not used: ...", "count": 0, ...}, ...]}]}
 * }</pre>
 *
 * <p>Every stage is listed, in {@link IngestionStage} order; {@code count}, the mean, the
 * percentiles (nanoseconds per record, {@code null} without records) and {@code
 * recordsPerSecond} cover the last one to two windows ({@code spanSeconds}); {@code totalCount}
 * and {@code totalNanos} run since the store was first seen here, so a caller merging servers can
 * weigh means by counts. A store the metadata knows but with no timings here answers all stages
 * unused.
 *
 * <p>Errors: 405 for another method; 404 when the server's metadata has no such store, naming
 * it. Thread-safe: each call reads snapshots.
 */
final class IngestionStageMetricsEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String WRITE_COMPUTE_NOTE = "not used: this server has no write compute";

  private final StageTimingHook hook;
  private final Optional<StoreMetadataService> metadata;
  private final String instance;
  private final TimeSource time;
  private final double windowSeconds;

  IngestionStageMetricsEndpoint(StageTimingHook hook, Optional<StoreMetadataService> metadata,
      String instance, TimeSource time, double windowSeconds) {
    this.hook = hook;
    this.metadata = metadata;
    this.instance = instance;
    this.time = time;
    this.windowSeconds = windowSeconds;
  }

  @Override
  public String path() {
    return "breakdown";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    Optional<String> only = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    if (only.isPresent() && metadata.isPresent()
        && metadata.get().store(only.get()).isEmpty() && hook.store(only.get()).isEmpty()) {
      return error(404, "store", "store " + only.get() + " does not exist");
    }
    List<String> names = only.map(List::of).orElseGet(hook::stores);
    long now = time.nanoTime();
    List<Map<String, Object>> stores = new ArrayList<>();
    for (String name : names) {
      Optional<StoreStages> stages = hook.store(name);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (IngestionStage stage : IngestionStage.values()) {
        rows.add(row(stage, stages.map(s -> s.snapshot(stage, now)).orElse(null)));
      }
      Map<String, Object> store = new LinkedHashMap<>();
      store.put("store", name);
      store.put("stages", rows);
      stores.add(store);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("windowSeconds", windowSeconds);
    body.put("stores", stores);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private static Map<String, Object> row(IngestionStage stage, StageSnapshot s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("stage", stage.name());
    row.put("used", s != null && s.used());
    if (stage == IngestionStage.WRITE_COMPUTE && (s == null || !s.used())) {
      row.put("note", WRITE_COMPUTE_NOTE);
    }
    row.put("count", s == null ? 0 : s.count());
    row.put("meanNanos", s == null ? null : finite(s.meanNanos()));
    row.put("p50Nanos", s == null ? null : finite(s.p50Nanos()));
    row.put("p99Nanos", s == null ? null : finite(s.p99Nanos()));
    row.put("maxNanos", s == null ? null : finite(s.maxNanos()));
    row.put("recordsPerSecond", s == null ? 0.0 : s.recordsPerSecond());
    row.put("spanSeconds", s == null ? 0.0 : s.spanNanos() / 1e9);
    row.put("totalCount", s == null ? 0 : s.totalCount());
    row.put("totalNanos", s == null ? 0 : s.totalNanos());
    return row;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
