package dev.venice.it.plugins.partitionskew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition-skew plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only on two servers and the controller, replication 2 over 4 partitions: a push
 * of 2,000 records, 1,800 of them in partition 0 (keys chosen with the runtime's partitioner), is
 * warned about at its end (the controller's last check and warning, and the counter on its
 * {@code /metrics}); a uniform push of 2,000 records is checked and not warned about; the skew
 * report of the skewed store takes every partition's numbers from its leader and shows the
 * largest partition, and so does the distribution's {@code venice show-partition-skew --json};
 * an unknown store makes that command exit 1 in one line.
 */
class PartitionSkewPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARTITIONS = 4;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void aSkewedPushIsWarnedAboutAtItsEndAndAUniformOneIsNot() throws Exception {
    Path pluginDir = Path.of("..", "venice-server-plugins", "partition-skew", "target", "plugin")
        .toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("partition-skew")), pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(2)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.partition-skew.enabled", "true")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.partition-skew.enabled", "true").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      Schema key = new Schema.Parser().parse(Schemas.KEY);

      admin.createStore("skewed", Schemas.KEY, Schemas.USER_V1, PARTITIONS, 2);
      List<String> skewed = new ArrayList<>();
      int inZero = 0;
      int elsewhere = 0;
      for (int i = 0; inZero < 1_800 || elsewhere < 200; i++) {
        boolean zero = Partitioner.partition(AvroSerde.serialize(key, "k" + i), PARTITIONS) == 0;
        if (zero ? inZero++ < 1_800 : elsewhere++ < 200) {
          skewed.add(line("k" + i, i));
        }
      }
      assertEquals(2_000, skewed.size());
      PushJob.create(cluster.controllerUrl(), "skewed",
          Files.write(dir.resolve("skewed.jsonl"), skewed)).run();

      admin.createStore("uniform", Schemas.KEY, Schemas.USER_V1, PARTITIONS, 2);
      List<String> uniform = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        uniform.add(line("k" + i, i));
      }
      PushJob.create(cluster.controllerUrl(), "uniform",
          Files.write(dir.resolve("uniform.jsonl"), uniform)).run();

      String checks = cluster.controllerUrl() + "/plugins/partition-skew/checks";
      JsonNode[] last = {null};
      LocalCluster.waitFor(() -> "both end-of-push checks: " + last[0], Duration.ofSeconds(30),
          () -> {
            last[0] = get(checks);
            return last[0].path("checks").size() == 2;
          });
      JsonNode skewedCheck = byStore(last[0].path("checks"), "skewed");
      assertEquals("warned", skewedCheck.path("result").asText(), skewedCheck.toString());
      assertEquals(1, skewedCheck.path("version").asInt());
      assertEquals(0, skewedCheck.path("largestPartition").path("partition").asInt(),
          skewedCheck.toString());
      assertTrue(skewedCheck.path("cv").asDouble() > 1.0, "cv about 1.5: " + skewedCheck);
      assertTrue(skewedCheck.path("complete").asBoolean(), skewedCheck.toString());
      JsonNode uniformCheck = byStore(last[0].path("checks"), "uniform");
      assertEquals("ok", uniformCheck.path("result").asText(), uniformCheck.toString());
      assertTrue(uniformCheck.path("cv").asDouble() < 0.2, uniformCheck.toString());

      JsonNode warnings = get(cluster.controllerUrl() + "/plugins/partition-skew/warnings");
      assertEquals(1, warnings.path("warnings").size(), warnings.toString());
      assertEquals("skewed", warnings.path("warnings").get(0).path("store").asText());
      String metrics = text(cluster.controllerUrl() + "/metrics");
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith(
          "venice_controller_partition_skew_push_warnings_total{") && l.contains("store=\"skewed\"")
          && l.endsWith(" 1.0")), "the warning counter on /metrics");
      assertTrue(metrics.lines().noneMatch(l -> l.contains("push_warnings_total")
          && l.contains("store=\"uniform\"")), "no warning counted for the uniform store");

      JsonNode report = get(cluster.controllerUrl()
          + "/plugins/partition-skew/skew?store=skewed");
      assertEquals(PARTITIONS, report.path("partitions").size(), report.toString());
      for (JsonNode row : report.path("partitions")) {
        assertEquals("leader", row.path("reason").asText(), row.toString());
        assertEquals(2, row.path("replicasAnswered").asInt(), row.toString());
        assertTrue(row.path("bytes").asLong() > 0, row.toString());
      }
      long largest = report.path("records").path("max").asLong();
      assertTrue(largest >= 1_500 && largest <= 2_100, "about 1,800 records (RocksDB's"
          + " estimate) in partition 0: " + report.path("records"));
      assertEquals(largest, report.path("partitions").get(0).path("records").asLong());
      assertEquals(0, report.path("serversNotAnswering").size(), report.toString());
      assertEquals(404, status(cluster.controllerUrl()
          + "/plugins/partition-skew/skew?store=nope"), "an unknown store");

      DistributionCli.Result shown = DistributionCli.run(cluster.controllerUrl(),
          "show-partition-skew", "--store", "skewed", "--json");
      assertEquals(0, shown.status(), shown.output());
      JsonNode cli = JSON.readTree(shown.output());
      assertTrue(cli.path("records").path("cv").asDouble() > 1.0, "cv about 1.5: "
          + cli.path("records"));
      assertEquals(PARTITIONS, cli.path("partitions").size(), cli.toString());
      for (JsonNode row : cli.path("partitions")) {
        assertEquals("leader", row.path("reason").asText(), row.toString());
      }
      assertEquals(1, cli.path("lastWarning").path("version").asInt(), cli.toString());
      DistributionCli.Result nope = DistributionCli.run(cluster.controllerUrl(),
          "show-partition-skew", "--store", "nope");
      assertEquals(1, nope.status(), nope.output());
      assertEquals(1, nope.output().strip().lines().count(), nope.output());
      assertTrue(nope.output().contains("store nope does not exist"), nope.output());
    }
  }

  private static String line(String key, int age) {
    return "{\"key\": \"" + key + "\", \"value\": {\"name\": \"n\", \"age\": " + age + "}}";
  }

  private static JsonNode byStore(JsonNode checks, String store) {
    for (JsonNode c : checks) {
      if (c.path("store").asText().equals(store)) {
        return c;
      }
    }
    throw new AssertionError("no check of " + store + " in " + checks);
  }

  private static HttpResponse<String> send(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String text(String url) throws Exception {
    HttpResponse<String> answer = send(url);
    assertEquals(200, answer.statusCode(), url + ": " + answer.body());
    return answer.body();
  }

  private static JsonNode get(String url) {
    try {
      return JSON.readTree(text(url));
    } catch (Exception e) {
      throw new IllegalStateException(url, e);
    }
  }

  private static int status(String url) throws Exception {
    return send(url).statusCode();
  }
}
