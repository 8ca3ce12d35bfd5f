package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.metadata.RoutingTable;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.helix.HelixAdmin;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.CustomizedView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Caught up means caught up" (issue 18), each with a real backlog that a slowed disk ({@link
 * SlowIngestionPlugin}) makes take seconds to replay: a hybrid replica is not COMPLETED (so a push
 * does not finish, and reads are not routed to it) before it has replayed the real-time topic to
 * within the store's offset lag; and a replica reopening after a restart with end-of-push stored
 * neither serves nor is routed to before it has consumed the version-topic backlog written while
 * it was down.
 */
class CaughtUpTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int BACKLOG = 3000;
  private static final long SLOW_APPLY_NANOS = 1_000_000; // 3 s for the backlog per replica
  private static LocalCluster cluster;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(2).routers(1)
        .serverConfig("plugins.test-slow-ingestion.enabled", "true")
        .controllerConfig("push.monitor.interval", "50ms").build();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @AfterEach
  void fullSpeed() {
    SlowIngestionPlugin.delayNanos = 0;
  }

  private static void createHybrid(String store) {
    new ControllerClient(cluster.controllerUrl()).createStore(Map.of("name", store,
        "keySchema", Schemas.KEY, "valueSchema", Schemas.USER_V1, "partitionCount", 1,
        "replicationFactor", 2, "hybrid", Map.of("rewindSeconds", 3600,
            "offsetLagThreshold", 10)));
  }

  private static Path batch(String name, int records) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add("{\"key\": \"b" + i + "\", \"value\": {\"name\": \"batch\", \"age\": " + i + "}}");
    }
    return Files.write(dir.resolve(name), lines);
  }

  private static GenericRecord user(String name, int age) {
    GenericRecord record = new GenericData.Record(Data.USER);
    record.put("name", name);
    record.put("age", age);
    return record;
  }

  /** Writes {@code count} real-time records {@code <prefix><i>} and waits for every ack. */
  private static void writeRealTime(String store, String prefix, int count) {
    try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), store)) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        acks.add(producer.put(prefix + i, user(prefix, i)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }
  }

  @Test
  void aHybridVersionCompletesOnlyAfterReplayingTheRealTimeTopic() throws Exception {
    createHybrid("replay");
    PushJob.create(cluster.controllerUrl(), "replay", batch("replay-1.jsonl", 10)).run();
    writeRealTime("replay", "r", BACKLOG); // within the rewind time of the next version
    SlowIngestionPlugin.delayNanos = SLOW_APPLY_NANOS;
    long pushStart = System.nanoTime();
    PushJob.Result pushed = PushJob.create(cluster.controllerUrl(), "replay",
        batch("replay-2.jsonl", 10)).run();
    Duration pushTook = Duration.ofNanos(System.nanoTime() - pushStart);
    assertEquals(2, pushed.version());
    // online means every replica replayed the rewound real-time records to within 10 of the end
    // (before, a hybrid replica reported COMPLETED at end-of-push and the version went online
    // with none of them)
    for (VeniceServer server : cluster.servers()) {
      assertTrue(server.isReady("replay_v2", 0), server.instanceId());
      long keys = server.replicaCounts("replay_v2", 0).orElseThrow()[0];
      assertTrue(keys >= 10 + BACKLOG - 10, server.instanceId() + " holds " + keys + " keys");
    }
    assertTrue(pushTook.toMillis() >= BACKLOG * SLOW_APPLY_NANOS / 1_000_000 / 2,
        "the push waited for the replay (" + pushTook.toMillis() + " ms)");
    SlowIngestionPlugin.delayNanos = 0;
    try (Reads reads = new Reads(cluster.servers().get(0))) {
      GetResponse last = reads.get("replay", 2, Data.key("r" + (BACKLOG - 20)),
          Duration.ofSeconds(10));
      assertArrayEquals(Data.user("r", BACKLOG - 20), last.getValue().toByteArray());
    }
  }

  @Test
  void aReopenedReplicaServesAndIsRoutedOnlyAfterItsBacklog() throws Exception {
    createHybrid("reopen");
    PushJob.create(cluster.controllerUrl(), "reopen", batch("reopen.jsonl", 10)).run();
    VeniceServer down = cluster.servers().get(1);
    VeniceServer up = cluster.servers().get(0);
    cluster.stopServer(down);
    writeRealTime("reopen", "w", BACKLOG);
    LocalCluster.waitFor("the live replica applied the writes", WAIT, () -> up.replicaCounts(
        "reopen_v1", 0).map(c -> c[0] >= 10 + BACKLOG).orElse(false));

    SlowIngestionPlugin.delayNanos = SLOW_APPLY_NANOS;
    VeniceServer reopened = cluster.restartServer(down);
    byte[] lastKey = Data.key("w" + (BACKLOG - 1));
    byte[] lastValue = Data.user("w", BACKLOG - 1);
    int checksWhileCatchingUp = 0;
    HelixAdmin helix = new ZKHelixAdmin(cluster.zooKeeperAddress());
    try (Reads reads = new Reads(reopened)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!reopened.isReady("reopen_v1", 0)) {
        assertTrue(System.nanoTime() < deadline, "the reopened replica never caught up");
        checksWhileCatchingUp++;
        // not routed: neither reported ready in Helix nor in the routing metadata fast clients get
        boolean reported = reportedReady(helix, "reopen_v1", reopened.instanceId());
        boolean routed = routingMetadata("reopen").contains(reopened.instanceId());
        boolean readyNow = reopened.isReady("reopen_v1", 0);
        assertTrue(readyNow || !reported, "reported COMPLETED in Helix before catching up");
        assertTrue(readyNow || !routed, "routed to before catching up");
        // and it never answers stale: a read is refused (callers fail over) or current
        try {
          GetResponse answer = reads.get("reopen", 1, lastKey, Duration.ofSeconds(5));
          assertArrayEquals(lastValue, answer.getValue().toByteArray(), "a stale answer");
        } catch (StatusRuntimeException e) {
          assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getMessage());
        }
      }
      assertTrue(checksWhileCatchingUp > 0, "the backlog was seen being replayed");
      SlowIngestionPlugin.delayNanos = 0;
      LocalCluster.waitFor("the caught-up replica is routed to", WAIT,
          () -> routingMetadata("reopen").contains(reopened.instanceId()));
      assertTrue(reportedReady(helix, "reopen_v1", reopened.instanceId()));
      for (int i = 0; i < BACKLOG; i += 97) {
        assertArrayEquals(Data.user("w", i), reads.get("reopen", 1, Data.key("w" + i),
            Duration.ofSeconds(10)).getValue().toByteArray(), "w" + i);
      }
    } finally {
      helix.close();
    }
  }

  private static boolean reportedReady(HelixAdmin helix, String topic, String instance) {
    CustomizedView view = helix.getResourceCustomizedView(cluster.clusterName(), topic,
        RoutingTable.READINESS_STATE_TYPE);
    if (view == null) {
      return false;
    }
    Map<String, String> states = view.getStateMap(topic + "_0");
    return states != null && RoutingTable.READY.equals(states.get(instance));
  }

  private static String routingMetadata(String store) {
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(cluster.routers().get(0).adminUrl() + "/metadata/" + store)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError("router metadata of " + store, e);
    }
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }
}
