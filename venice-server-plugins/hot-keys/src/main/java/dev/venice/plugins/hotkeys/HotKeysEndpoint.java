package dev.venice.plugins.hotkeys;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/hot-keys/top?store=S[&partition=P][&top=N]} on the server's admin port: the
 * hot-key summaries of the store's current version on this server, as JSON:
 *
 * <pre>{@code
 * {"store": "users", "version": 3, "instance": "host_7002", "partitions": [
 *   {"partition": 0, "capacity": 100, "stripes": 1, "total": 11000, "minCount": 12,
 *    "sinceMillis": ...,
 *    "entries": [{"key": "<base64 of the serialized key>", "count": 1000, "error": 0}, ...]}]}
 * }</pre>
 *
 * <p>{@code entries} are by decreasing count, at most {@code top} (default: all); {@code minCount}
 * bounds the requests on this replica of any key the whole list does not hold (0 when the summary
 * is not full), which is what a merge of summaries needs: merge whole lists, not lists cut by
 * {@code top}. {@code stripes} summaries of {@code capacity} counters, merged (see {@link
 * ReplicaSummary}), make the list. The current version
 * is the store's metadata's, else the highest version with a summary; a store with no summary here
 * answers an empty {@code partitions}.
 *
 * <p>Errors: 400 when {@code store} is missing, or {@code partition} or {@code top} is not a
 * number in range; 404 when the server's metadata has no such store. Each names the parameter.
 * Thread-safe: each call reads snapshots.
 */
final class HotKeysEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HotKeyTracker tracker;
  private final Optional<StoreMetadataService> metadata;
  private final String instance;

  HotKeysEndpoint(HotKeyTracker tracker, Optional<StoreMetadataService> metadata,
      String instance) {
    this.tracker = tracker;
    this.metadata = metadata;
    this.instance = instance;
  }

  @Override
  public String path() {
    return "top";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    String store = request.queryParameter("store").map(String::strip).orElse("");
    if (store.isEmpty()) {
      return error(400, "store", "the store parameter is missing: GET /plugins/hot-keys/top"
          + "?store=S[&partition=P][&top=N]");
    }
    Optional<StoreInfo> info = metadata.flatMap(m -> m.store(store));
    if (metadata.isPresent() && info.isEmpty()) {
      return error(404, "store", "store " + store + " does not exist");
    }
    Integer partition = null;
    Optional<String> p = request.queryParameter("partition");
    if (p.isPresent()) {
      int max = info.map(StoreInfo::partitionCount).orElse(Integer.MAX_VALUE);
      partition = number(p.get(), 0, max - 1);
      if (partition == null) {
        return error(400, "partition", "partition " + p.get() + " is not a partition of store "
            + store + " (0 to " + (max - 1) + ")");
      }
    }
    int top = Integer.MAX_VALUE;
    Optional<String> t = request.queryParameter("top");
    if (t.isPresent()) {
      Integer n = number(t.get(), 1, Integer.MAX_VALUE);
      if (n == null) {
        return error(400, "top", "top " + t.get() + " is not a positive integer");
      }
      top = n;
    }
    int current = info.map(StoreInfo::currentVersion).orElse(0);
    int version = current > 0 ? current : tracker.latestVersion(store).orElse(0);
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (Map.Entry<Integer, ReplicaSummary.Snapshot> e
        : tracker.snapshots(store, version, partition, top)) {
      ReplicaSummary.Snapshot s = e.getValue();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("partition", e.getKey());
      row.put("capacity", s.capacity());
      row.put("stripes", s.stripes());
      row.put("total", s.total());
      row.put("minCount", s.minCount());
      row.put("sinceMillis", s.sinceMillis());
      row.put("entries", s.entries().stream().map(entry -> Map.of(
          "key", Base64.getEncoder().encodeToString(entry.key()),
          "count", entry.count(), "error", entry.error())).toList());
      partitions.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("store", store);
    body.put("version", version);
    body.put("instance", instance);
    body.put("partitions", partitions);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private static Integer number(String raw, int min, int max) {
    try {
      int n = Integer.parseInt(raw.strip());
      return n < min || n > max ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
