package dev.venice.it.plugins.hotkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-keys plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only, on three servers holding every partition three times: one key read 1,000
 * times among 10,000 others read once (single gets and batch gets through a fast client, so the
 * reads spread over the replicas) is first in the summaries of every replica merged with the
 * mergeable-summaries rule (the rule of {@code venice show-hot-keys}), with the exact total.
 */
class HotKeysPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE = "hot";
  @TempDir Path dir;

  @Test
  void aKeyRead1000TimesAmong10000ReadOnceIsFirstAcrossEveryReplica() throws Exception {
    Path pluginDir = Path.of("..", "venice-server-plugins", "hot-keys", "target", "plugin")
        .toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("hot-keys")), pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(3).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.hot-keys.enabled", "true").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 3);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i <= 10_000; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), STORE,
          Files.write(dir.resolve("hot.jsonl"), lines)).run();
      cluster.awaitRoutable(STORE, Duration.ofSeconds(60));

      try (StoreClient<String, Object> client = VeniceClients
          .builder(cluster.routerUrl(), STORE).fast()) {
        for (int i = 0; i < 1_000; i++) {
          assertTrue(client.get("k0").join() != null, "k0");
        }
        Set<String> batch = new HashSet<>();
        for (int i = 1; i <= 10_000; i++) {
          batch.add("k" + i);
          if (batch.size() == 100) {
            assertEquals(100, client.batchGet(batch).join().size());
            batch.clear();
          }
        }
      }

      Map<Integer, List<JsonNode>> replicas = new TreeMap<>();
      HttpClient http = HttpClient.newHttpClient();
      for (VeniceServer server : cluster.servers()) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(
            server.adminUrl() + "/plugins/hot-keys/top?store=" + STORE))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        for (JsonNode p : JSON.readTree(answer.body()).path("partitions")) {
          replicas.computeIfAbsent(p.path("partition").asInt(), k -> new ArrayList<>()).add(p);
        }
      }
      long total = 0;
      String first = null;
      long firstCount = -1;
      long firstError = 0;
      for (List<JsonNode> summaries : replicas.values()) {
        Map<String, long[]> merged = merge(summaries);
        for (JsonNode s : summaries) {
          total += s.path("total").asLong();
        }
        for (Map.Entry<String, long[]> e : merged.entrySet()) {
          if (e.getValue()[0] > firstCount) {
            first = e.getKey();
            firstCount = e.getValue()[0];
            firstError = e.getValue()[1];
          }
        }
      }
      Schema key = new Schema.Parser().parse(Schemas.KEY);
      assertEquals(11_000, total, "every key looked up is counted once, on one replica");
      assertEquals(Base64.getEncoder().encodeToString(AvroSerde.serialize(key, "k0")), first,
          "the key read 1,000 times is first");
      assertTrue(firstCount >= 1_000 && firstCount - firstError <= 1_000,
          "k0: count " + firstCount + ", error " + firstError);
      assertEquals(3 * 2, replicas.values().stream().mapToInt(List::size).sum(),
          "two partitions on each of three servers answered");
    }
  }

  /** Counts and errors add; a full summary not listing a key adds its minCount to both. */
  private static Map<String, long[]> merge(List<JsonNode> summaries) {
    Map<String, long[]> merged = new HashMap<>();
    summaries.forEach(s -> s.path("entries").forEach(e ->
        merged.computeIfAbsent(e.path("key").asText(), k -> new long[2])));
    for (JsonNode s : summaries) {
      Map<String, JsonNode> listed = new HashMap<>();
      s.path("entries").forEach(e -> listed.put(e.path("key").asText(), e));
      long min = s.path("minCount").asLong();
      merged.forEach((k, sums) -> {
        JsonNode e = listed.get(k);
        sums[0] += e == null ? min : e.path("count").asLong();
        sums[1] += e == null ? min : e.path("error").asLong();
      });
    }
    return merged;
  }
}
