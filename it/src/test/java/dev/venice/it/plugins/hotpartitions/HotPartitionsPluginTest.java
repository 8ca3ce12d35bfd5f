package dev.venice.it.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.DistributionCli.Result;
import dev.venice.it.Scrape;
import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-partitions plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only on two servers and the controller (1 s rate windows, an evaluation every
 * second, the default threshold 10): a store of 12 partitions with replication 2 read evenly has
 * no hot partition; read skewed (one key 50 times for every other key once), the controller's
 * background evaluation finds that key's partition hot, {@code hot_partition_detected} with the
 * store and partition appears at the controller's {@code /metrics}, a server's {@code
 * partition_rate} gauge lists that partition (at most 20 series), {@code venice
 * show-hot-partitions} lists it first as HOT, and an unknown store exits 1 with one line.
 */
class HotPartitionsPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE = "skewed";
  private static final int PARTITIONS = 12;
  private static final int KEYS = 600;
  private static final String DETECTED =
      "venice_controller_hot_partitions_hot_partition_detected_total";
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void skewedReadsMakeTheControllerReportTheHotPartition() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root"),
        "venice-server-plugins/hot-partitions/target/plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("hot-partitions")), pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.hot-partitions.enabled", "true")
        .serverConfig("plugins.hot-partitions.rate-window", "1s")
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.hot-partitions.enabled", "true")
        .controllerConfig("plugins.hot-partitions.evaluation-interval", "1s").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(STORE, Schemas.KEY, Schemas.USER_V1, PARTITIONS, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), STORE,
          Files.write(dir.resolve("skewed.jsonl"), lines)).run();
      cluster.awaitRoutable(STORE, Duration.ofSeconds(60));
      int hot = Partitioner.partition(AvroSerde.serialize(new Schema.Parser().parse(Schemas.KEY),
          "k0"), PARTITIONS);

      AtomicBoolean skewed = new AtomicBoolean(false);
      AtomicBoolean stop = new AtomicBoolean(false);
      AtomicLong reads = new AtomicLong();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (StoreClient<String, Object> client = VeniceClients
            .builder(cluster.routerUrl(), STORE).fast()) {
          for (long i = 0; !stop.get(); i++) {
            String key = skewed.get() && i % 51 != 0 ? "k0" : "k" + (i % KEYS);
            if (client.get(key).get(10, TimeUnit.SECONDS) == null) {
              throw new AssertionError(key + " not found");
            }
            reads.incrementAndGet();
          }
        } catch (Throwable t) {
          failed.set(t);
        }
      }, "hot-partitions-reader");
      reader.setDaemon(true);
      reader.start();
      try {
        // Even reads: evaluated over a full window of them, nothing is hot.
        long startReads = reads.get();
        AtomicReference<JsonNode> even = new AtomicReference<>();
        LocalCluster.waitFor(() -> "an evaluation of even reads, last " + even.get(), WAIT, () -> {
          even.set(skew(cluster.controllerUrl()));
          return failed.get() != null || reads.get() - startReads > 2_000
              && even.get().path("totalRate").asDouble() >= 50
              && even.get().path("partitions").size() == PARTITIONS;
        });
        assertEquals(null, failed.get());
        // only "not hot", judged (no note): at the rates a test reaches (tens of lookups per
        // partition and window) the skew of even reads is too noisy for a tighter bound
        assertFalse(even.get().path("hot").asBoolean(), even.get().toString());
        assertTrue(even.get().path("note").isNull(), even.get().toString());
        assertEquals(0, even.get().path("serversNotAnswering").size(), even.get().toString());
        assertEquals(2, even.get().path("serversAnswered").size(), even.get().toString());

        // Skewed reads: the background evaluation (every second) detects the hot partition.
        skewed.set(true);
        AtomicReference<String> metrics = new AtomicReference<>("");
        String series = DETECTED + "{partition=\"" + hot + "\",store=\"" + STORE + "\"}";
        LocalCluster.waitFor(() -> series + " at the controller's /metrics, got "
            + metrics.get().lines().filter(l -> l.contains("hot_partitions")).toList(), WAIT,
            () -> {
              metrics.set(Scrape.metrics(cluster.controllerUrl()));
              return failed.get() != null || metrics.get().lines().anyMatch(l ->
                  l.startsWith(series) && Double.parseDouble(l.substring(series.length())
                      .strip()) >= 1);
            });
        assertEquals(null, failed.get());
        assertTrue(metrics.get().lines().filter(l -> l.startsWith(DETECTED + "{"))
            .allMatch(l -> l.startsWith(series)), "only partition " + hot + " was hot: "
            + metrics.get().lines().filter(l -> l.startsWith(DETECTED)).toList());

        // a server's per-partition gauge lists the hot partition (both replicas serve it); its
        // Prometheus name ends with the base unit
        String gauge = "venice_server_hot_partitions_partition_rate";
        AtomicReference<List<String>> rows = new AtomicReference<>(List.of());
        LocalCluster.waitFor(() -> "partition " + hot + " in a server's " + gauge + ", got "
            + rows.get(), WAIT, () -> {
              List<String> all = new ArrayList<>();
              cluster.servers().forEach(s -> Scrape.metrics(s.adminUrl()).lines()
                  .filter(l -> l.startsWith(gauge) && l.contains("{")).forEach(all::add));
              rows.set(all);
              return all.stream().anyMatch(l -> l.contains("partition=\"" + hot + "\"")
                  && l.contains("store=\"" + STORE + "\"") && l.contains("version=\"1\"")
                  && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0);
            });
        assertTrue(rows.get().size() <= 2 * 20, "at most 20 series per server: " + rows.get());

        Result shown = DistributionCli.run(cluster.controllerUrl(), "show-hot-partitions",
            "--store", STORE, "--refresh", "--top", "3");
        assertEquals(0, shown.status(), shown.output());
        String[] text = shown.output().split("\\R");
        assertTrue(text[0].startsWith("store " + STORE + " version 1: skew ")
            && text[0].endsWith("HOT: partition " + hot), shown.output());
        assertTrue(text[2].matches("\\s+" + hot + "\\s+\\S+\\s+\\S+%\\s+\\d\\s+HOT"),
            shown.output());
        Result json = DistributionCli.run(cluster.controllerUrl(), "show-hot-partitions",
            "--store", STORE, "--json");
        assertEquals(0, json.status(), json.output());
        JsonNode evaluation = JSON.readTree(json.output()).path("stores").get(0);
        assertEquals(hot, evaluation.path("partitions").get(0).path("partition").asInt());
        assertTrue(evaluation.path("skew").asDouble() >= 10, evaluation.toString());

        Result unknown = DistributionCli.run(cluster.controllerUrl(), "show-hot-partitions",
            "--store", "nope");
        assertEquals(1, unknown.status(), unknown.output());
        assertEquals("venice show-hot-partitions: store nope does not exist",
            unknown.output().strip());
      } finally {
        stop.set(true);
        reader.join(15_000);
      }
    }
  }

  /** The controller's evaluation of the store now ({@code refresh=true}). */
  private static JsonNode skew(String controllerUrl) {
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(controllerUrl + "/plugins/hot-partitions/skew?refresh=true&store=" + STORE))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      return JSON.readTree(answer.body()).path("stores").get(0);
    } catch (Exception e) {
      throw new AssertionError("GET /plugins/hot-partitions/skew", e);
    }
  }
}
