package dev.venice.it.plugins.ingestionstagemetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Promtool;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The ingestion-stage-metrics plugin, loaded from the plugin directory its module builds and
 * switched on by configuration only, on two servers holding a hybrid store's two partitions twice:
 * after a batch push and real-time writes, every server's breakdown shows DECODE, HOOKS and APPLY
 * (the RocksDB write), each partition's leader SCHEMA_VALIDATION and LEADER_PRODUCE, and
 * WRITE_COMPUTE "not used"; the stage meters are on {@code /metrics}, which passes {@code promtool
 * check metrics}; the distribution's {@code venice show-ingestion-breakdown --json} lists the
 * stages sorted by contribution; an unknown store makes it exit 1 in one line.
 */
class IngestionStageMetricsPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String STORE = "staged";
  private static final int PARTITIONS = 2;
  private static final Schema KEY = Schema.create(Schema.Type.STRING);
  private static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  @Test
  void everyStageIsTimedPerStoreAndTheBreakdownSortsThem() throws Exception {
    Path pluginDir = Path.of("..", "venice-server-plugins", "ingestion-stage-metrics", "target",
        "plugin").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("ingestion-stage-metrics")),
        pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(2)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.ingestion-stage-metrics.enabled", "true")
        .serverConfig("plugins.ingestion-stage-metrics.flush-interval", "50ms").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(Map.of("name", STORE, "keySchema", Schemas.KEY,
          "valueSchema", Schemas.USER_V1, "partitionCount", PARTITIONS, "replicationFactor", 2,
          "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10)));
      admin.startPush(STORE);
      try (VeniceWriter batch = new VeniceWriter(cluster.kafkaBootstrapServers(),
          STORE + "_v1", PARTITIONS)) {
        batch.startOfPush(CompressionStrategy.NO_OP).join();
        for (int i = 0; i < 500; i++) {
          batch.put(key("b" + i), user("batch", i), 1);
        }
        batch.endOfPush().join();
      }
      LocalCluster.waitFor(STORE + " version 1 online", WAIT,
          () -> admin.pushStatus(STORE, 1).status() == VersionStatus.ONLINE);

      try (VeniceWriter realTime = new VeniceWriter(cluster.kafkaBootstrapServers(),
          STORE + "_rt", PARTITIONS)) {
        int[] written = {0};
        // records of a replica idle after its last one wait for its next: keep writing
        LocalCluster.waitFor("every stage timed on every server", WAIT, () -> {
          for (int i = 0; i < 20; i++, written[0]++) {
            realTime.put(key("r" + written[0]), user("rt", written[0]), 1).join();
          }
          return cluster.servers().stream().allMatch(s -> complete(cluster, s));
        });
      }

      for (VeniceServer server : cluster.servers()) {
        JsonNode stages = breakdown(server).path("stores").get(0).path("stages");
        for (String stage : List.of("CONSUME", "DECODE", "HOOKS", "APPLY")) {
          JsonNode s = stage(stages, stage);
          assertTrue(s.path("used").asBoolean() && s.path("count").asLong() > 0
              && s.path("p99Nanos").asDouble() >= s.path("p50Nanos").asDouble()
              && s.path("totalNanos").asLong() > 0, server.instanceId() + ": " + s);
        }
        assertTrue(stage(stages, "APPLY").path("totalCount").asLong() >= 500,
            "every record of the push applied on each replica of both partitions");
        JsonNode wc = stage(stages, "WRITE_COMPUTE");
        assertFalse(wc.path("used").asBoolean(), wc.toString());
        assertTrue(wc.path("note").asText().startsWith("not used"), wc.toString());

        String metrics = Scrape.metrics(server.adminUrl());
        assertEquals("", Promtool.checkMetrics(metrics), server.instanceId()
            + ": promtool check metrics found problems");
        for (String meter : List.of("stage_p50_seconds", "stage_p99_seconds",
            "stage_mean_seconds", "stage_throughput_records_per_second")) {
          assertTrue(metrics.contains("venice_server_ingestion_stage_metrics_" + meter
              + "{stage=\"apply\",store=\"" + STORE + "\"}"), meter);
        }
        assertTrue(Scrape.sum(metrics, "venice_server_ingestion_stage_metrics_stage_records_total",
            STORE) > 0);
        assertFalse(metrics.contains("stage=\"write_compute\""), "write compute has no meters");
      }

      DistributionCli.Result shown = DistributionCli.run(cluster.controllerUrl(),
          "show-ingestion-breakdown", "--store", STORE, "--json");
      assertEquals(0, shown.status(), shown.output());
      JsonNode cli = JSON.readTree(shown.output());
      assertEquals(2, cli.path("serversAnswered").size(), cli.toString());
      List<String> order = new ArrayList<>();
      double previous = Double.MAX_VALUE;
      for (JsonNode row : cli.path("stages")) {
        order.add(row.path("stage").asText());
        if (row.path("used").asBoolean() && !row.path("stage").asText().equals("CONSUME")) {
          double contribution = row.path("contributionNanos").asDouble();
          assertTrue(contribution > 0 && contribution <= previous, "sorted: " + cli);
          previous = contribution;
        }
      }
      assertTrue(order.containsAll(List.of("DECODE", "HOOKS", "APPLY", "SCHEMA_VALIDATION",
          "LEADER_PRODUCE")), order.toString());
      assertEquals(List.of("CONSUME", "WRITE_COMPUTE"), order.subList(order.size() - 2,
          order.size()), "the wait, then what is not used: " + order);

      String table = DistributionCli.venice(cluster.controllerUrl(),
          "show-ingestion-breakdown", "--store", STORE);
      System.out.println(table); // the measured breakdown, kept in the test's output
      assertTrue(table.indexOf("APPLY") > 0 && table.indexOf("CONSUME (wait)")
          > table.indexOf("APPLY") && table.contains("WRITE_COMPUTE      not used"), table);

      DistributionCli.Result nope = DistributionCli.run(cluster.controllerUrl(),
          "show-ingestion-breakdown", "--store", "nope");
      assertEquals(1, nope.status(), nope.output());
      assertEquals(1, nope.output().strip().lines().count(), nope.output());
      assertTrue(nope.output().contains("store nope does not exist"), nope.output());
    }
  }

  /**
   * Whether the server shows the replica stages and, for each partition it leads, the leader
   * stages.
   */
  private static boolean complete(LocalCluster cluster, VeniceServer server) {
    JsonNode stores = breakdown(server).path("stores");
    if (stores.size() != 1) {
      return false;
    }
    JsonNode stages = stores.get(0).path("stages");
    List<String> needed = new ArrayList<>(List.of("DECODE", "HOOKS", "APPLY"));
    for (int p = 0; p < PARTITIONS; p++) {
      if (server.leads(STORE + "_v1", p)) {
        needed.addAll(List.of("SCHEMA_VALIDATION", "LEADER_PRODUCE"));
      }
    }
    return needed.stream().allMatch(s -> stage(stages, s).path("count").asLong() > 0);
  }

  private static JsonNode breakdown(VeniceServer server) {
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(
          server.adminUrl() + "/plugins/ingestion-stage-metrics/breakdown?store=" + STORE))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode stage(JsonNode stages, String name) {
    for (JsonNode s : stages) {
      if (s.path("stage").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + stages);
  }

  private static byte[] key(String id) {
    return AvroSerde.serialize(KEY, id);
  }

  private static byte[] user(String name, int age) {
    GenericRecord record = new GenericData.Record(USER);
    record.put("name", name);
    record.put("age", age);
    return AvroSerde.serialize(USER, record);
  }
}
