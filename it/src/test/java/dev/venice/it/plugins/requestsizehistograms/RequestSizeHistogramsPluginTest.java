package dev.venice.it.plugins.requestsizehistograms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Promtool;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request-size-histograms plugin, loaded from the plugin directory its module builds and
 * switched on by configuration only: after a push of values of a known size (52 bytes of Avro: a
 * 50-character name and an age under 64), single gets and batch gets through the fast client (one
 * partition, so one server call per client call) show on the server's {@code /metrics} as
 * histograms with the expected counts, sums and buckets, no key unattributed, and the text passes
 * {@code promtool check metrics}.
 */
class RequestSizeHistogramsPluginTest {
  private static final String PREFIX = "venice_server_request_size_histograms_";
  private static final int VALUE_BYTES = 52;

  @TempDir Path dir;

  @Test
  void singleAndBatchGetsOfKnownSizesShowAsHistograms() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."), "venice-server-plugins",
        "request-size-histograms", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("request-size-histograms")),
        pluginDir + " not built: mvn -pl venice-server-plugins/request-size-histograms install");
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.request-size-histograms.enabled", "true").build()) {
      PluginInfo plugin = cluster.servers().get(0).plugins().plugins().stream()
          .filter(p -> p.id().equals("request-size-histograms")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());

      new ControllerClient(cluster.controllerUrl())
          .createStore("sized", Schemas.KEY, Schemas.USER_V1, 1, 1);
      String name = "x".repeat(50);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"" + name + "\", \"age\": "
            + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "sized",
          Files.write(dir.resolve("sized.jsonl"), lines)).run();
      cluster.awaitRoutable("sized", Duration.ofSeconds(60));

      try (StoreClient<String, GenericRecord> fast = VeniceClients
          .builder(cluster.routerUrl(), "sized").fast()) {
        for (int i = 0; i < 20; i++) {
          assertEquals(i, fast.get("k" + i).join().get("age"));
        }
        for (int i = 0; i < 5; i++) {
          assertNull(fast.get("absent-" + i).join());
        }
        for (int b = 0; b < 3; b++) {
          Set<String> keys = new LinkedHashSet<>();
          for (int i = 0; i < 10; i++) {
            keys.add("k" + (20 + 10 * b + i));
          }
          assertEquals(10, fast.batchGet(keys).join().size());
        }
      }

      String admin = cluster.servers().get(0).adminUrl();
      // a read is recorded by the server's hook after its answer is sent: wait for the last ones
      String[] seen = {""};
      LocalCluster.waitFor(() -> "the single and batch gets recorded; the server's metrics:\n"
          + seen[0], Duration.ofSeconds(30), () -> {
            seen[0] = Scrape.metrics(admin);
            return sample(seen[0], "response_bytes_count", "batch_get") >= 3
                && sample(seen[0], "value_bytes_count", "single_get") >= 20;
          });
      String text = Scrape.metrics(admin);
      assertEquals(20, sample(text, "value_bytes_count", "single_get"), "values found");
      assertEquals(20.0 * VALUE_BYTES, sample(text, "value_bytes_sum", "single_get"));
      assertEquals(25, sample(text, "response_bytes_count", "single_get"), "absent gets too");
      assertEquals(20.0 * VALUE_BYTES, sample(text, "response_bytes_sum", "single_get"));
      assertEquals(5, bucket(text, "response_bytes", "single_get", "16.0"), "the absent ones");
      assertEquals(25, bucket(text, "response_bytes", "single_get", "64.0"));

      assertEquals(3, sample(text, "key_count_count", "batch_get"));
      assertEquals(30, sample(text, "key_count_sum", "batch_get"));
      assertEquals(0, bucket(text, "key_count", "batch_get", "8.0"));
      assertEquals(3, bucket(text, "key_count", "batch_get", "16.0"));
      assertEquals(30, sample(text, "value_bytes_count", "batch_get"));
      assertEquals(30.0 * VALUE_BYTES, sample(text, "value_bytes_sum", "batch_get"));
      assertEquals(3, sample(text, "response_bytes_count", "batch_get"));
      assertEquals(30.0 * VALUE_BYTES, sample(text, "response_bytes_sum", "batch_get"));
      assertEquals(0, bucket(text, "response_bytes", "batch_get", "256.0"));
      assertEquals(3, bucket(text, "response_bytes", "batch_get", "1024.0"), "520 bytes each");
      assertEquals(0, Scrape.sum(text, PREFIX + "keys_unattributed_total", null));
      assertEquals(1, Scrape.sum(text, PREFIX + "stores_tracked", null));
      assertTrue(text.contains("# TYPE " + PREFIX + "response_bytes histogram"), "a histogram");
      assertEquals("", Promtool.checkMetrics(text), "promtool check metrics found problems");
    }
  }

  /** The sample {@code PREFIX + name} of store {@code sized} and {@code requestType}. */
  private static double sample(String text, String name, String requestType) {
    return value(text, PREFIX + name, "request_type=\"" + requestType + "\",store=\"sized\"");
  }

  /** The cumulative count of the {@code le} bucket of a histogram of store {@code sized}. */
  private static double bucket(String text, String histogram, String requestType, String le) {
    return value(text, PREFIX + histogram + "_bucket", "request_type=\"" + requestType
        + "\",store=\"sized\",le=\"" + le + "\"");
  }

  private static double value(String text, String name, String labels) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$",
        Pattern.MULTILINE).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + name + "{" + labels + "} in:\n" + text.lines()
          .filter(l -> l.startsWith(name)).reduce("", (a, b) -> a + b + "\n"));
    }
    return Double.parseDouble(m.group(1));
  }
}
