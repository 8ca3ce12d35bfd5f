package dev.venice.it.plugins.datafreshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-freshness plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only, on a local cluster of two servers: a hybrid store of two partitions
 * (replication factor 2) gets a batch push and then real-time writes from the online producer;
 * reads return the real-time values' producer timestamps (and none for batch values), every
 * server's {@code /metrics} shows a plausible {@code data_age_ms} for the store, and {@code
 * venice show-data-age --json} answers per partition with two replicas each; a batch-only store
 * has no gauge and {@code show-data-age} refuses it.
 */
class DataFreshnessPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GAUGE = "venice_server_data_freshness_data_age_ms";
  private static final String HYBRID = "fresh";
  private static final String BATCH = "daily";
  private static final int WRITES = 40;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Schema KEY = new Schema.Parser().parse(Schemas.KEY);
  private static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  @TempDir Path dir;

  @Test
  void realTimeWritesAreReadWithTheirTimestampAndAgedPerStoreAndPartition() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."), "venice-server-plugins",
        "data-freshness", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("data-freshness")),
        pluginDir + " not built: mvn -pl venice-server-plugins/data-freshness install");
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(0)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.data-freshness.enabled", "true")
        .serverConfig("plugins.data-freshness.sample-interval", "200ms").build()) {
      for (VeniceServer server : cluster.servers()) {
        PluginInfo plugin = server.plugins().plugins().stream()
            .filter(p -> p.id().equals("data-freshness")).findFirst().orElseThrow();
        assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      }
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(Map.of("name", HYBRID, "keySchema", Schemas.KEY, "valueSchema",
          Schemas.USER_V1, "partitionCount", 2, "replicationFactor", 2, "hybrid",
          Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10)));
      admin.createStore(Map.of("name", BATCH, "keySchema", Schemas.KEY, "valueSchema",
          Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 2));
      for (String store : List.of(HYBRID, BATCH)) {
        PushJob.create(cluster.controllerUrl(), store, Files.write(dir.resolve(store + ".jsonl"),
            List.of("{\"key\": \"b0\", \"value\": {\"name\": \"batch\", \"age\": 0}}"))).run();
      }
      for (int p = 0; p < 2; p++) {
        cluster.awaitReadyReplicas(HYBRID + "_v1", p, 2, WAIT);
      }
      cluster.awaitReadyReplicas(BATCH + "_v1", 0, 2, WAIT);

      long before = System.currentTimeMillis();
      try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), HYBRID, 0)) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
          GenericRecord user = new GenericData.Record(USER);
          user.put("name", "rt");
          user.put("age", i);
          acks.add(producer.put("k" + i, user));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
      }
      long after = System.currentTimeMillis();

      // (a) reads return the producer's timestamp of real-time values, none for batch values
      for (VeniceServer server : cluster.servers()) {
        LocalCluster.waitFor(server.instanceId() + " serves the last real-time write", WAIT,
            () -> get(server, HYBRID, "k" + (WRITES - 1)).getFound());
        GetResponse realTime = get(server, HYBRID, "k0");
        assertTrue(realTime.getProducerTimestampMs() >= before
            && realTime.getProducerTimestampMs() <= after, realTime.toString());
        GetResponse batch = get(server, HYBRID, "b0");
        assertTrue(batch.getFound());
        assertEquals(0, batch.getProducerTimestampMs(), "a batch record stores no timestamp");
      }

      // (b) every server exports a plausible data age for the hybrid store, none for the batch one
      // the gauge is the sampler's (every 200 ms): a sample taken before the real-time writes
      // reached the replica still shows the batch push's age, so wait for one taken after
      for (VeniceServer server : cluster.servers()) {
        double[] age = {-1};
        long[] bound = {0};
        LocalCluster.waitFor(() -> server.instanceId() + " exports a " + GAUGE + " from the"
            + " real-time writes: " + age[0] + " ms, at most " + bound[0], WAIT, () -> {
              String metrics = Scrape.metrics(server.adminUrl());
              if (!metrics.contains(GAUGE + "{store=\"" + HYBRID)) {
                return false;
              }
              age[0] = Scrape.sum(metrics, GAUGE, HYBRID);
              bound[0] = System.currentTimeMillis() - before;
              return age[0] >= 0 && age[0] <= bound[0];
            });
        assertFalse(Scrape.metrics(server.adminUrl()).contains(GAUGE + "{store=\"" + BATCH),
            "batch-only: no gauge");
      }

      // (c) show-data-age answers per partition, with both replicas of each
      JsonNode shown = JSON.readTree(DistributionCli.venice(cluster.controllerUrl(),
          "show-data-age", "--store", HYBRID, "--json"));
      assertEquals(2, shown.path("serversAnswered").size(), shown.toString());
      assertEquals(2, shown.path("partitions").size(), shown.toString());
      for (JsonNode partition : shown.path("partitions")) {
        assertEquals(2, partition.path("replicasWithAge").asInt(), partition.toString());
        double min = partition.path("minDataAgeMs").asDouble();
        double max = partition.path("maxDataAgeMs").asDouble();
        double mean = partition.path("meanDataAgeMs").asDouble();
        assertTrue(min >= 0 && min <= mean && mean <= max
            && max <= System.currentTimeMillis() - before, partition.toString());
      }
      DistributionCli.Result batchOnly = DistributionCli.run(cluster.controllerUrl(),
          "show-data-age", "--store", BATCH);
      assertEquals(1, batchOnly.status(), batchOnly.output());
      assertTrue(batchOnly.output().contains("is batch-only"), batchOnly.output());
    }
  }

  private static GetResponse get(VeniceServer server, String store, String key) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
        .usePlaintext().build();
    try {
      return VeniceReadGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .get(GetRequest.newBuilder().setStore(store).setVersion(1).setPartition(-1)
              .setKey(ByteString.copyFrom(AvroSerde.serialize(KEY, key))).build());
    } finally {
      channel.shutdownNow();
    }
  }
}
