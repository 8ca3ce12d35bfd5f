package dev.venice.plugins.partitionskew;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Servers: {@code GET /plugins/partition-skew/partitions[?store=S][&version=V][&refresh=true]},
 * this server's latest snapshot of its partition replicas' numbers, as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "takenAtMillis": 1764570000000, "stale": false,
 *  "partitions": [{"store": "users", "version": 3, "partition": 0,
 *                  "records": 1200, "bytes": 65536}, ...]}
 * }</pre>
 *
 * <p>{@code records} is RocksDB's estimate of the partition's keys and {@code bytes} its files'
 * size on disk; {@code -1} when the server could not tell. Without {@code refresh} the answer is
 * the background snapshot (at most {@code stats-interval} old) and costs no storage access; with
 * {@code refresh=true}, or before the first snapshot, a fresh one is taken on the plugin's
 * scheduler and waited for at most {@code refresh-timeout}, after which the last one is served
 * with {@code "stale": true}. {@code takenAtMillis} is {@code null} before any snapshot.
 *
 * <p>Errors: 405 for a method other than GET, 400 for a {@code version} that is not a positive
 * integer or a {@code refresh} that is not true or false, each naming the parameter. Thread-safe.
 */
final class PartitionsEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StatsSnapshots snapshots;
  private final Executor scheduler;
  private final Duration refreshTimeout;
  private final String instance;

  PartitionsEndpoint(StatsSnapshots snapshots, Executor scheduler, Duration refreshTimeout,
      String instance) {
    this.snapshots = snapshots;
    this.scheduler = scheduler;
    this.refreshTimeout = refreshTimeout;
    this.instance = instance;
  }

  @Override
  public String path() {
    return "partitions";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    String store = request.queryParameter("store").map(String::strip).orElse("");
    Integer version = null;
    Optional<String> v = request.queryParameter("version");
    if (v.isPresent()) {
      version = positive(v.get());
      if (version == null) {
        return error(400, "version", "version " + v.get() + " is not a positive integer");
      }
    }
    String r = request.queryParameter("refresh").map(String::strip).orElse("false");
    if (!r.equals("true") && !r.equals("false")) {
      return error(400, "refresh", "refresh " + r + " is not true or false");
    }
    StatsSnapshots.Answer answer = r.equals("true") || snapshots.current().takenAt() == null
        ? snapshots.fresh(scheduler, refreshTimeout)
        : new StatsSnapshots.Answer(snapshots.current(), false);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PartitionStats p : answer.snapshot().partitions()) {
      if ((store.isEmpty() || p.store().equals(store))
          && (version == null || p.version() == version)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("store", p.store());
        row.put("version", p.version());
        row.put("partition", p.partition());
        row.put("records", p.recordCount());
        row.put("bytes", p.bytes());
        rows.add(row);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("takenAtMillis", answer.snapshot().takenAt() == null ? null
        : answer.snapshot().takenAt().toEpochMilli());
    body.put("stale", answer.stale());
    body.put("partitions", rows);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  static Integer positive(String raw) {
    try {
      int n = Integer.parseInt(raw.strip());
      return n < 1 ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
