package dev.venice.plugins.datafreshness;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.plugins.datafreshness.FreshnessTracker.StoreSample;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code GET /plugins/data-freshness/data-age[?store=S]} on the server's admin port: the data age
 * of this server's partition replicas, per store, from the last sample, as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "windowSeconds": 60.0, "sampleIntervalSeconds": 10.0,
 *  "stores": [{"store": "clicks", "tracked": true, "dataAgeMs": 812.0,
 *              "newestProducerTimestampMs": 1764588000123,
 *              "partitions": [{"partition": 0, "dataAgeMs": 812.0,
 *                              "newestProducerTimestampMs": 1764588000123},
 *                             {"partition": 1, "dataAgeMs": null,
 *                              "newestProducerTimestampMs": null}]}]}
 * }</pre>
 *
 * <p>Ages are in milliseconds, now (this server's clock, at the request) minus the newest producer
 * timestamp (the producer's clock) seen in the last window as of the last sample; {@code null}
 * when none was seen. Without {@code store}: every sampled store. With {@code store}: that store
 * only; a store that is batch-only or has the plugin switched off answers {@code "tracked":
 * false} with a {@code reason} and no partitions.
 *
 * <p>Errors: 405 for another method; 404 when the server's metadata has no such store, naming
 * it. Thread-safe: each call reads the last sample.
 */
final class DataAgeEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataAgeSampler sampler;
  private final Optional<StoreMetadataService> metadata;
  private final Predicate<String> enabled;
  private final String instance;
  private final DataFreshnessConfig config;

  DataAgeEndpoint(DataAgeSampler sampler, Optional<StoreMetadataService> metadata,
      Predicate<String> enabled, String instance, DataFreshnessConfig config) {
    this.sampler = sampler;
    this.metadata = metadata;
    this.enabled = enabled;
    this.instance = instance;
    this.config = config;
  }

  @Override
  public String path() {
    return "data-age";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    Optional<String> only = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    Map<String, StoreSample> sampled = sampler.latest().stores();
    List<Map<String, Object>> stores = new ArrayList<>();
    if (only.isEmpty()) {
      sampled.values().forEach(s -> stores.add(store(s)));
    } else {
      String name = only.get();
      Optional<StoreInfo> info = metadata.flatMap(m -> m.store(name));
      if (info.isEmpty() && !sampled.containsKey(name)) {
        return error(404, "store", "store " + name + " does not exist");
      }
      StoreSample sample = sampled.get(name);
      if (sample != null) {
        stores.add(store(sample));
      } else if (info.isPresent() && !info.get().hybrid()) {
        stores.add(untracked(name, "store " + name + " is batch-only: data freshness covers"
            + " hybrid stores only"));
      } else if (!enabled.test(name)) {
        stores.add(untracked(name, "the data-freshness plugin is switched off for store "
            + name));
      } else {
        stores.add(store(new StoreSample(name, FreshnessTracker.NONE, Map.of())));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("windowSeconds", config.window().toMillis() / 1e3);
    body.put("sampleIntervalSeconds", config.sampleInterval().toMillis() / 1e3);
    body.put("stores", stores);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private Map<String, Object> store(StoreSample sample) {
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("store", sample.store());
    store.put("tracked", true);
    putAge(store, sample.newestMs());
    store.put("partitions", partitions(sample.partitions()));
    return store;
  }

  private List<Map<String, Object>> partitions(Map<Integer, Long> newest) {
    List<Map<String, Object>> rows = new ArrayList<>();
    Collection<Integer> sorted = newest.keySet().stream().sorted().toList();
    for (int partition : sorted) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("partition", partition);
      putAge(row, newest.get(partition));
      rows.add(row);
    }
    return rows;
  }

  private void putAge(Map<String, Object> row, long newestMs) {
    boolean seen = newestMs != FreshnessTracker.NONE;
    row.put("dataAgeMs", seen ? sampler.ageMs(newestMs) : null);
    row.put("newestProducerTimestampMs", seen ? newestMs : null);
  }

  private static Map<String, Object> untracked(String store, String reason) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("store", store);
    row.put("tracked", false);
    row.put("reason", reason);
    row.put("partitions", List.of());
    return row;
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
