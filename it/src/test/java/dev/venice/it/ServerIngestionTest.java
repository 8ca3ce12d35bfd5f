package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.server.VeniceServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Storage servers on a local cluster: ingestion from real Kafka into RocksDB, readiness reported to
 * the controller, reads over gRPC on every replica, restart resume, the dead-letter path, and a
 * hybrid store surviving the loss of its leader.
 */
class ServerIngestionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static LocalCluster cluster(int servers) throws Exception {
    return LocalCluster.builder().servers(servers)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("ingestion.unknown.schema.wait", "2s").build();
  }

  private static void awaitOnline(ControllerClient admin, String store, int version) {
    LocalCluster.waitFor(store + " version " + version + " online", WAIT,
        () -> admin.pushStatus(store, version).status() == VersionStatus.ONLINE);
  }

  @Test
  void pushedRecordsAreReadableOnEveryReplica() throws Exception {
    try (LocalCluster cluster = cluster(2)) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore("users", Schemas.KEY, Schemas.USER_V1, 2, 2);
      admin.startPush("users");
      List<byte[]> keys = new ArrayList<>();
      try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), "users_v1", 2)) {
        writer.startOfPush(CompressionStrategy.NO_OP).join();
        for (int i = 0; i < 100; i++) {
          keys.add(Data.key("user-" + i));
          writer.put(Data.key("user-" + i), Data.user("name-" + i, i), 1);
        }
        writer.sendRaw(0, Data.key("garbage"), new byte[] {1, 2, 3}).join();
        writer.endOfPush().join();
      }
      awaitOnline(admin, "users", 1);
      assertEquals(1, admin.getStore("users").currentVersion());

      List<byte[]> withAbsent = new ArrayList<>(keys);
      withAbsent.add(Data.key("nobody"));
      for (VeniceServer server : cluster.servers()) {
        try (Reads reads = new Reads(server)) {
          for (int i = 0; i < 100; i++) {
            GetResponse got = reads.get("users", keys.get(i));
            assertTrue(got.getFound(), "user-" + i + " on " + server.instanceId());
            assertEquals(1, got.getSchemaId());
            assertArrayEquals(Data.user("name-" + i, i), got.getValue().toByteArray());
          }
          assertFalse(reads.get("users", Data.key("nobody")).getFound());
          assertFalse(reads.get("users", Data.key("garbage")).getFound());

          for (List<KeyValue> answer : List.of(reads.batchGet("users", withAbsent),
              reads.streamingBatchGet("users", withAbsent))) {
            assertEquals(101, answer.size());
            for (KeyValue kv : answer) {
              if (kv.getKeyIndex() == 100) {
                assertFalse(kv.getFound());
              } else {
                assertArrayEquals(Data.user("name-" + kv.getKeyIndex(), kv.getKeyIndex()),
                    kv.getValue().toByteArray());
              }
            }
          }

          StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
              () -> reads.get("nope", Data.key("x")));
          assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
          assertEquals("store nope does not exist", unknown.getStatus().getDescription());
          StatusRuntimeException badKey = assertThrows(StatusRuntimeException.class,
              () -> reads.get("users", new byte[] {(byte) 0xFF}));
          assertEquals(Status.Code.INVALID_ARGUMENT, badKey.getStatus().getCode());
          assertTrue(badKey.getStatus().getDescription().startsWith("store users: key 0xff is not"
              + " a valid encoding of the key schema"), badKey.getStatus().getDescription());
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.adminUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("venice_server_ingestion_dead_letter_total{reason=\"undecodable\""
            + ",store=\"users\"} 1.0"), metrics);
      }
    }
  }

  @Test
  void aRestartedServerResumesWithoutLosingOrRepeatingRecords() throws Exception {
    try (LocalCluster cluster = cluster(1)) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore("resume", Schemas.KEY, Schemas.USER_V1, 1, 1);
      admin.startPush("resume");
      VeniceServer server = cluster.servers().get(0);
      try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), "resume_v1",
          1)) {
        writer.startOfPush(CompressionStrategy.NO_OP).join();
        for (int i = 0; i < 500; i++) {
          writer.put(Data.key("k" + i), Data.user("v" + i, i), 1);
        }
        writer.flush();
        VeniceServer running = server;
        LocalCluster.waitFor("some records applied", WAIT, () -> running.replicaCounts(
            "resume_v1", 0).map(c -> c[1] > 0).orElse(false));
        cluster.stopServer(server);
        for (int i = 500; i < 1000; i++) {
          writer.put(Data.key("k" + i), Data.user("v" + i, i), 1);
        }
        writer.endOfPush().join();
        server = cluster.restartServer(server);
      }
      awaitOnline(admin, "resume", 1);
      VeniceServer restarted = server;
      LocalCluster.waitFor("replica reopened", WAIT,
          () -> restarted.isReady("resume_v1", 0));
      long[] counts = restarted.replicaCounts("resume_v1", 0).orElseThrow();
      assertEquals(1000, counts[0], "keys stored");
      assertEquals(1000, counts[1], "each record applied exactly once across the restart");
      try (Reads reads = new Reads(restarted)) {
        for (int i = 0; i < 1000; i++) {
          assertArrayEquals(Data.user("v" + i, i),
              reads.get("resume", Data.key("k" + i)).getValue().toByteArray(), "k" + i);
        }
      }
    }
  }

  @Test
  void hybridWritesSurviveTheLossOfTheLeader() throws Exception {
    try (LocalCluster cluster = cluster(2)) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(Map.of("name", "live", "keySchema", Schemas.KEY,
          "valueSchema", Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 2,
          "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10)));
      admin.startPush("live");
      try (VeniceWriter batch = new VeniceWriter(cluster.kafkaBootstrapServers(), "live_v1", 1)) {
        batch.startOfPush(CompressionStrategy.NO_OP).join();
        for (int i = 0; i < 10; i++) {
          batch.put(Data.key("b" + i), Data.user("batch", i), 1);
        }
        batch.endOfPush().join();
      }
      awaitOnline(admin, "live", 1);
      try (VeniceWriter realTime = new VeniceWriter(cluster.kafkaBootstrapServers(), "live_rt",
          1)) {
        for (int i = 0; i < 20; i++) {
          realTime.put(Data.key("r" + i), Data.user("rt", i), 1).join();
        }
        // the real-time topic's tail: four records no reader could use, after the good ones
        realTime.sendRaw(0, Data.key("garbled"), new byte[] {1, 2, 3}).join();
        realTime.put(new byte[0], Data.user("no key", 0), 1).join();
        realTime.put(Data.key("unknown-schema"), Data.user("v99", 0), 99).join();
        realTime.put(Data.key("violation"), new byte[] {0x7F}, 1).join(); // a negative length
        for (VeniceServer server : cluster.servers()) {
          awaitValue(server, "r19", Data.user("rt", 19));
        }
        VeniceServer leader = cluster.servers().stream().filter(s -> s.leads("live_v1", 0))
            .findFirst().orElseThrow();
        VeniceServer survivor = cluster.servers().stream().filter(s -> s != leader).findFirst()
            .orElseThrow();
        List<String> reasons = List.of("undecodable", "empty-key", "unknown-schema",
            "schema-violation");
        LocalCluster.waitFor("the leader to dead-letter the four", WAIT, () -> reasons.stream()
            .allMatch(r -> metrics(leader).contains(deadLetters(r) + " 1.0")));
        // the leader's skip markers moved every replica's real-time position past them
        LocalCluster.waitFor("the standby to apply the skip markers", WAIT,
            () -> survivor.replicaUpstreamOffset("live_v1", 0) == 23);
        cluster.stopServer(leader);
        LocalCluster.waitFor("the survivor to lead", WAIT, () -> survivor.leads("live_v1", 0));
        for (int i = 20; i < 40; i++) {
          realTime.put(Data.key("r" + i), Data.user("rt", i), 1).join();
        }
        awaitValue(survivor, "r39", Data.user("rt", 39));
        String survivorMetrics = metrics(survivor);
        for (String reason : reasons) { // the new leader started after them: none read again
          assertFalse(survivorMetrics.contains(deadLetters(reason)), survivorMetrics);
        }
        VeniceServer back = cluster.restartServer(leader);
        awaitValue(back, "r39", Data.user("rt", 39));
        for (VeniceServer server : cluster.servers()) {
          try (Reads reads = new Reads(server)) {
            for (int i = 0; i < 40; i++) {
              assertArrayEquals(Data.user("rt", i),
                  reads.get("live", Data.key("r" + i)).getValue().toByteArray(),
                  "r" + i + " on " + server.instanceId());
            }
            for (int i = 0; i < 10; i++) {
              assertTrue(reads.get("live", Data.key("b" + i)).getFound());
            }
          }
        }
      }
    }
  }

  private static String deadLetters(String reason) {
    return "venice_server_ingestion_dead_letter_total{reason=\"" + reason + "\",store=\"live\"}";
  }

  private static String metrics(VeniceServer server) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.adminUrl() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitValue(VeniceServer server, String key, byte[] expected) {
    try (Reads reads = new Reads(server)) {
      LocalCluster.waitFor(key + " readable on " + server.instanceId(), WAIT, () -> {
        try {
          GetResponse got = reads.get("live", Data.key(key));
          return got.getFound() && Arrays.equals(expected, got.getValue().toByteArray());
        } catch (StatusRuntimeException notYet) {
          return false;
        }
      });
    }
  }
}
