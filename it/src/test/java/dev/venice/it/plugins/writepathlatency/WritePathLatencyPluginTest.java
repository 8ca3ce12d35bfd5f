package dev.venice.it.plugins.writepathlatency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Promtool;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-path-latency plugin, loaded from the plugin directory its module builds and switched on
 * by configuration only, in a local cluster of two servers holding a hybrid store of one partition
 * and replication factor 2: {@value #SAMPLED} real-time writes from an online producer that stamps
 * every put show on the leader's {@code /metrics} in its Kafka queue, leader processing and end to
 * end histograms, and on the follower's in its replication histogram, with values between 0 and a
 * generous bound, no negative delta (one JVM: one clock) and no unusable header; then {@value
 * #UNSAMPLED} writes from a producer that stamps none change no series on either server. Both
 * servers' {@code /metrics} pass {@code promtool check metrics}.
 */
class WritePathLatencyPluginTest {
  private static final String PREFIX = "venice_server_write_path_latency_";
  private static final String COUNT = "_latency_seconds_count";
  private static final String STORE = "stamped";
  private static final String TOPIC = STORE + "_v1";
  private static final int SAMPLED = 40;
  private static final int UNSAMPLED = 30;
  /** Far above any hop on a loaded test machine, far below a wrong unit (µs as ms: 1000x). */
  private static final double BOUND_SECONDS = 30;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  @TempDir Path dir;

  @Test
  void sampledWritesShowPerHopOnTheLeaderAndTheFollowerAndUnsampledOnesCostNoSeries()
      throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."), "venice-server-plugins",
        "write-path-latency", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("write-path-latency")),
        pluginDir + " not built: mvn -pl venice-server-plugins/write-path-latency install");
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(0)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.write-path-latency.enabled", "true").build()) {
      for (VeniceServer server : cluster.servers()) {
        PluginInfo plugin = server.plugins().plugins().stream()
            .filter(p -> p.id().equals("write-path-latency")).findFirst().orElseThrow();
        assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      }
      new ControllerClient(cluster.controllerUrl()).createStore(Map.of("name", STORE,
          "keySchema", Schemas.KEY, "valueSchema", Schemas.USER_V1, "partitionCount", 1,
          "replicationFactor", 2, "hybrid", Map.of("rewindSeconds", 3600,
              "offsetLagThreshold", 10)));
      PushJob.create(cluster.controllerUrl(), STORE, Files.write(dir.resolve("batch.jsonl"),
          List.of("{\"key\": \"b0\", \"value\": {\"name\": \"batch\", \"age\": 0}}"))).run();
      cluster.awaitReadyReplicas(TOPIC, 0, 2, WAIT);
      VeniceServer leader = cluster.servers().stream().filter(s -> s.leads(TOPIC, 0))
          .findFirst().orElseThrow(() -> new AssertionError("no server leads " + TOPIC));
      VeniceServer follower = cluster.servers().stream().filter(s -> s != leader).findFirst()
          .orElseThrow();

      write(cluster, 1.0, "s", SAMPLED);
      LocalCluster.waitFor(() -> "the sampled writes measured on both replicas: leader "
          + count(leader, "end_to_end") + ", follower " + count(follower, "follower_replication"),
          WAIT, () -> count(leader, "end_to_end") >= SAMPLED
              && count(follower, "follower_replication") >= SAMPLED);

      String onLeader = Scrape.metrics(leader.adminUrl());
      for (String hop : List.of("kafka_queue", "leader_processing", "end_to_end")) {
        assertPlausible(onLeader, hop, SAMPLED, "leader");
      }
      assertEquals(0, Scrape.sum(onLeader, PREFIX + "follower_replication" + COUNT, STORE),
          "the leader measures no replication");
      String onFollower = Scrape.metrics(follower.adminUrl());
      assertPlausible(onFollower, "follower_replication", SAMPLED, "follower");
      for (String hop : List.of("kafka_queue", "leader_processing", "end_to_end")) {
        assertEquals(0, Scrape.sum(onFollower, PREFIX + hop + COUNT, STORE),
            "the follower measures no " + hop);
      }
      // hops of one write add up on the leader: end to end = queue + processing, per write
      assertEquals(sum(onLeader, "kafka_queue") + sum(onLeader, "leader_processing"),
          sum(onLeader, "end_to_end"), 1e-5 * SAMPLED);
      for (String text : List.of(onLeader, onFollower)) {
        assertEquals(0, Scrape.sum(text, PREFIX + "negative_deltas_total", null), "one clock");
        assertEquals(0, Scrape.sum(text, PREFIX + "headers_unusable_total", null));
        assertEquals(1, Scrape.sum(text, PREFIX + "stores_tracked", null));
        assertTrue(text.contains("# TYPE " + PREFIX + "kafka_queue_latency_seconds histogram"),
            "a histogram");
        assertEquals("", Promtool.checkMetrics(text), "promtool check metrics found problems");
      }

      // unsampled writes: applied on both replicas, and not one series moves
      Map<VeniceServer, String> before = Map.of(leader, series(onLeader), follower,
          series(onFollower));
      long[] applied = {applied(leader), applied(follower)};
      write(cluster, 0.0, "u", UNSAMPLED);
      LocalCluster.waitFor("the unsampled writes applied on both replicas", WAIT, () ->
          applied(leader) >= applied[0] + UNSAMPLED
              && applied(follower) >= applied[1] + UNSAMPLED);
      for (VeniceServer server : List.of(leader, follower)) {
        String after = series(Scrape.metrics(server.adminUrl()));
        assertNotEquals("", after);
        assertEquals(before.get(server), after, server.instanceId() + ": series changed");
      }
    }
  }

  /** Writes {@code count} puts at {@code rate} and waits for every acknowledgement. */
  private static void write(LocalCluster cluster, double rate, String prefix, int count) {
    try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), STORE, rate)) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        GenericRecord user = new GenericData.Record(USER);
        user.put("name", prefix);
        user.put("age", i);
        acks.add(producer.put(prefix + i, user));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static void assertPlausible(String text, String hop, int atLeast, String where) {
    String name = hop + "_latency_seconds";
    double count = Scrape.sum(text, PREFIX + name + "_count", STORE);
    double sum = Scrape.sum(text, PREFIX + name + "_sum", STORE);
    double max = Scrape.sum(text, PREFIX + name + "_max", STORE);
    assertTrue(count >= atLeast, where + " " + name + " count " + count);
    assertTrue(sum >= 0 && sum / count < BOUND_SECONDS, where + " " + name + " mean "
        + sum / count);
    assertTrue(max >= 0 && max < BOUND_SECONDS, where + " " + name + " max " + max);
    System.out.printf("%s %s: count %.0f, mean %.3f ms, max %.3f ms%n", where, name, count,
        1000 * sum / count, 1000 * max);
  }

  private static double count(VeniceServer server, String hop) {
    return Scrape.sum(Scrape.metrics(server.adminUrl()), PREFIX + hop + COUNT, STORE);
  }

  private static double sum(String text, String hop) {
    return Scrape.sum(text, PREFIX + hop + "_latency_seconds_sum", STORE);
  }

  private static long applied(VeniceServer server) {
    return server.replicaCounts(TOPIC, 0).orElseThrow()[1];
  }

  /**
   * The plugin's cumulative samples (histogram buckets, counts and sums, counters, gauges) in
   * {@code text}, one per line; {@code _max} (a decaying maximum that moves with time) left out.
   */
  private static String series(String text) {
    return text.lines().filter(l -> l.startsWith(PREFIX) && !l.contains("_max{")).sorted()
        .collect(Collectors.joining("\n"));
  }
}
