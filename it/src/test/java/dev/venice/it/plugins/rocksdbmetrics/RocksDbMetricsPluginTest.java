package dev.venice.it.plugins.rocksdbmetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Promtool;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The rocksdb-metrics plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only, on a server with {@code storage.statistics.enabled=true} and a 200 ms sample
 * interval: after a push written in two rounds of the same keys, each round flushed and compacted,
 * and reads of every key (twice),
 * the server's {@code /metrics} shows every meter of the store non-zero (running and pending
 * compactions present: they are 0 once compactions are done, which is right), no per-partition
 * series (opt-in), and passes {@code promtool check metrics}.
 *
 * <p>The flush and compaction are forced through the server's test-and-tools entry point {@link
 * VeniceServer#flushAndCompact()}: with RocksDB's 64 MiB write buffer, a test-sized push stays in
 * the memtable, and no server key sets a smaller buffer.
 */
class RocksDbMetricsPluginTest {
  private static final String STORE = "lsm";
  private static final String P = "venice_server_rocksdb_metrics_";
  private static final String TOPIC = STORE + "_v1";
  private static final int KEYS = 5_000;
  private static final Schema KEY = Schema.create(Schema.Type.STRING);
  private static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  @Test
  void everyMeterIsNonZeroAfterWritesFlushesCompactionsAndReads() throws Exception {
    Path pluginDir = Path.of("..", "venice-server-plugins", "rocksdb-metrics", "target", "plugin")
        .toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("rocksdb-metrics")), pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("storage.statistics.enabled", "true")
        .serverConfig("plugins.rocksdb-metrics.enabled", "true")
        .serverConfig("plugins.rocksdb-metrics.sample-interval", "200ms").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 1);
      admin.startPush(STORE);
      VeniceServer server = cluster.servers().get(0);
      try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), TOPIC, 2)) {
        writer.startOfPush(CompressionStrategy.NO_OP).join();
        for (int round = 1; round <= 2; round++) {
          CompletableFuture<?> last = null;
          for (int i = 0; i < KEYS; i++) {
            last = writer.put(AvroSerde.serialize(KEY, "k" + i), user(round, i), 1);
          }
          last.join();
          long applied = (long) round * KEYS;
          LocalCluster.waitFor("round " + round + " applied", Duration.ofSeconds(30),
              () -> applied(server) == applied);
          // each round in SST files of its own, the second overlapping the first: the second
          // compaction rewrites (reads and writes bytes), not only moves, a file
          assertEquals(2, server.flushAndCompact(), "both partitions held here");
        }
        writer.endOfPush().join();
      }
      cluster.awaitRoutable(STORE, Duration.ofSeconds(60));

      try (StoreClient<String, Object> client = VeniceClients
          .builder(cluster.routerUrl(), STORE).fast()) {
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < KEYS; i++) {
            assertTrue(client.get("k" + i).join() != null, "k" + i);
          }
        }
      }

      List<String> counters = List.of("compaction_read_bytes_total",
          "compaction_write_bytes_total", "compactions_total", "flushes_total",
          "flush_bytes_total", "block_cache_hits_total", "block_cache_misses_total");
      List<String> gauges = List.of("level_files", "level_bytes", "block_cache_hit_ratio",
          "replicas");
      List<String> presentOnly = List.of("compactions_running", "compactions_pending",
          "compaction_pending_bytes", "memtable_bytes");
      AtomicReference<String> text = new AtomicReference<>("");
      AtomicReference<Map<String, Double>> values = new AtomicReference<>(Map.of());
      LocalCluster.waitFor(() -> "every rocksdb-metrics meter of " + STORE + " non-zero: "
          + values.get(), Duration.ofSeconds(30), () -> {
            text.set(Scrape.metrics(server.adminUrl()));
            Map<String, Double> v = new TreeMap<>();
            for (String name : counters) {
              v.put(name, Scrape.sum(text.get(), P + name, STORE));
            }
            for (String name : gauges) {
              v.put(name, Scrape.sum(text.get(), P + name, STORE));
            }
            values.set(v);
            return v.values().stream().allMatch(x -> x > 0);
          });
      String metrics = text.get();
      for (String name : presentOnly) {
        assertTrue(metrics.contains(P + name + "{store=\"" + STORE + "\"}"), name + " present");
      }
      assertEquals(2.0, Scrape.sum(metrics, P + "replicas", STORE), "two replicas summed");
      double ratio = Scrape.sum(metrics, P + "block_cache_hit_ratio", STORE);
      assertTrue(ratio > 0 && ratio <= 1, "hit ratio " + ratio);
      assertTrue(!metrics.contains(P + "partition_"), "per-partition series are opt-in");
      assertEquals("", Promtool.checkMetrics(metrics), "promtool check metrics");
    }
  }

  /** Data records applied by the server's replicas of the version. */
  private static long applied(VeniceServer server) {
    long sum = 0;
    for (int p = 0; p < 2; p++) {
      sum += server.replicaCounts(TOPIC, p).map(c -> c[1]).orElse(0L);
    }
    return sum;
  }

  private static byte[] user(int round, int age) {
    GenericRecord record = new GenericData.Record(USER);
    record.put("name", "round-" + round + "-" + "n".repeat(200));
    record.put("age", age);
    return AvroSerde.serialize(USER, record);
  }
}
