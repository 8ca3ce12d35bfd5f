package dev.venice.plugins.rocksdbmetrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.plugins.rocksdbmetrics.Sample.Series;
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
 * {@code GET /plugins/rocksdb-metrics/stats[?store=S]} on the server's admin port: the last
 * sample (no engine call), as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "sampledAtMillis": 1764568800000, "replicas": 4,
 *  "statistics": true, "stores": [
 *   {"store": "users", "replicas": 2,
 *    "values": {"compaction.read.bytes": 123, "flushes": 2, ...},
 *    "blockCacheHitRatio": 0.93,
 *    "levels": [{"level": 0, "files": 1, "bytes": 2048}, ...],
 *    "partitions": [{"partition": 0, "replicas": 1, "values": {...}, ...}]}]}
 * }</pre>
 *
 * <p>{@code values} are named as the meters (without prefix); a ticker is absent with statistics
 * off; {@code blockCacheHitRatio} is null before any lookup; {@code partitions} is present for
 * stores with {@code per-partition-metrics=true}; {@code sampledAtMillis} is 0 before the first
 * sample. Errors: 405 for another method; 404 naming the store when the server's metadata has no
 * such store. Thread-safe: reads one immutable sample.
 */
final class RocksDbMetricsEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RocksDbMetricsMetrics metrics;
  private final Optional<StoreMetadataService> metadata;
  private final String instance;

  RocksDbMetricsEndpoint(RocksDbMetricsMetrics metrics, Optional<StoreMetadataService> metadata,
      String instance) {
    this.metrics = metrics;
    this.metadata = metadata;
    this.instance = instance;
  }

  @Override
  public String path() {
    return "stats";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    Optional<String> only = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    if (only.isPresent() && metadata.isPresent()
        && metadata.get().store(only.get()).isEmpty()) {
      return error(404, "store", "store " + only.get() + " does not exist");
    }
    Sample sample = metrics.current();
    List<Map<String, Object>> stores = new ArrayList<>();
    sample.stores().forEach((store, series) -> {
      if (only.isPresent() && !only.get().equals(store)) {
        return;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", store);
      row.putAll(series(series));
      List<Map<String, Object>> partitions = new ArrayList<>();
      sample.partitions().forEach((pk, ps) -> {
        if (pk.store().equals(store)) {
          Map<String, Object> p = new LinkedHashMap<>();
          p.put("partition", pk.partition());
          p.putAll(series(ps));
          partitions.add(p);
        }
      });
      if (!partitions.isEmpty()) {
        row.put("partitions", partitions);
      }
      stores.add(row);
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("sampledAtMillis", sample.atMillis());
    body.put("replicas", sample.replicas());
    body.put("statistics", sample.statistics());
    body.put("stores", stores);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private static Map<String, Object> series(Series series) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("replicas", series.replicas());
    Map<String, Long> values = new LinkedHashMap<>();
    series.values().forEach((stat, v) -> values.put(stat.meter, v));
    row.put("values", values);
    row.put("blockCacheHitRatio", Double.isNaN(series.hitRatio()) ? null : series.hitRatio());
    List<Map<String, Object>> levels = new ArrayList<>();
    series.levelFiles().forEach((level, files) -> {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("level", level);
      l.put("files", files);
      l.put("bytes", series.levelBytes().getOrDefault(level, 0L));
      levels.add(l);
    });
    row.put("levels", levels);
    return row;
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
