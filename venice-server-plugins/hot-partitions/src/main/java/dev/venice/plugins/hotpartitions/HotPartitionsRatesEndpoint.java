package dev.venice.plugins.hotpartitions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/hot-partitions/rates[?store=S]} on a server's admin port: the key lookups
 * per second of every partition replica this server counted in its last complete rate window
 * (every version of every store, or of store {@code S}), as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "windowSeconds": 10.0, "windowEnd": "2026-12-01T06:40:10Z",
 *  "capacity": 1000, "total": 52000, "evicted": false, "errorBound": 0,
 *  "partitions": [{"store": "users", "version": 3, "partition": 7, "count": 50000, "error": 0,
 *                  "rate": 5000.0}, ...]}
 * }</pre>
 *
 * <p>{@code partitions} are by decreasing count; {@code rate} is {@code count / windowSeconds}.
 * {@code total} and the bounds are over the whole window (all stores): once {@code evicted}, a
 * count is an upper bound whose true value is at least {@code count - error}, and a partition not
 * listed had at most {@code errorBound} lookups (see {@link PartitionCounts}). {@code windowEnd} is
 * {@code null} and {@code partitions} empty before the first window ends. A store this server does
 * not know answers an empty list (the controller asks for stores, not servers, to check). Errors:
 * 405 for a method other than GET. Thread-safe.
 */
final class HotPartitionsRatesEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PartitionRates rates;
  private final String instance;

  HotPartitionsRatesEndpoint(PartitionRates rates, String instance) {
    this.rates = rates;
    this.instance = instance;
  }

  @Override
  public String path() {
    return "rates";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return PluginHttpResponse.json(405, JSON.writeValueAsString(Map.of("error",
          request.method() + " is not allowed: use GET")));
    }
    Optional<String> store = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    PartitionRates.Rates r = rates.rates();
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (PartitionCounts.Entry e : r.counts().entries()) {
      if (store.isPresent() && !store.get().equals(e.id().store())) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", e.id().store());
      row.put("version", e.id().version());
      row.put("partition", e.id().partition());
      row.put("count", e.count());
      row.put("error", e.error());
      row.put("rate", r.perSecond(e.count()));
      partitions.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("windowSeconds", r.window().toNanos() / 1e9);
    body.put("windowEnd", r.end() == null ? null : r.end().toString());
    body.put("capacity", r.capacity());
    body.put("total", r.counts().total());
    body.put("evicted", r.counts().evicted());
    body.put("errorBound", r.counts().errorBound());
    body.put("partitions", partitions);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }
}
