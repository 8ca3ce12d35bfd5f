package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.spi.controller.AdminOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller's admin API on a local cluster with real ZooKeeper, Helix and Kafka: store CRUD,
 * schema evolution, version lifecycle, hooks, concurrency and bad input.
 */
class ControllerAdminTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static LocalCluster cluster;
  private static ControllerClient admin;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.builder()
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugins.test-guard.enabled", "true")
        .controllerConfig("plugins.test-guard.max-partitions", "64")
        .build();
    admin = new ControllerClient(cluster.controllerUrl(), "alice", Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Store create(String name, int partitions) {
    return admin.createStore(name, Schemas.KEY, Schemas.USER_V1, partitions, 1);
  }

  private static VeniceController controller() {
    return cluster.leader(WAIT);
  }

  private static ControllerException refused(Runnable call) {
    return assertThrows(ControllerException.class, call::run);
  }

  /** Reports every partition of a version as ready, as servers do when they reach end-of-push. */
  private static void reportAllReady(String store, Version version) {
    for (int p = 0; p < version.partitionCount(); p++) {
      admin.reportReplica(store, version.number(), p, "localhost_7000", ReplicaStatus.COMPLETED);
    }
  }

  private static void awaitStatus(String store, int version, VersionStatus status) {
    LocalCluster.waitFor("store " + store + " version " + version + " " + status, WAIT,
        () -> admin.pushStatus(store, version).status() == status);
  }

  @Test
  void storeCrud() {
    Store created = create("crud", 4);
    assertEquals("crud", created.name());
    assertEquals(4, created.partitionCount());
    assertEquals(0, created.currentVersion());
    assertTrue(admin.listStores().contains("crud"));

    Store updated = admin.updateStore("crud", Map.of("replicationFactor", 2,
        "compressionStrategy", "ZSTD", "pluginSettings", Map.of("plugins.hedging.delay", "5ms")));
    assertEquals(2, updated.replicationFactor());
    assertEquals("ZSTD", updated.compressionStrategy().name());
    assertEquals(Map.of("plugins.hedging.delay", "5ms"), admin.getStore("crud").pluginSettings());

    Map<String, Object> removal = new HashMap<>();
    removal.put("plugins.hedging.delay", null);
    assertEquals(Map.of(), admin.updateStore("crud", Map.of("pluginSettings", removal))
        .pluginSettings());

    admin.deleteStore("crud");
    assertFalse(admin.listStores().contains("crud"));
    ControllerException gone = refused(() -> admin.getStore("crud"));
    assertEquals(404, gone.status());
    assertEquals("store crud does not exist", gone.getMessage());
  }

  @Test
  void schemaEvolutionAcceptedAndRefusedWithReasons() {
    create("schemas", 1);
    assertEquals(2, admin.addValueSchema("schemas", Schemas.USER_V2));
    assertEquals(2, admin.addValueSchema("schemas", Schemas.USER_V2), "identical: same id");
    ControllerException refused = refused(() -> admin.addValueSchema("schemas", Schemas.USER_BAD));
    assertEquals(409, refused.status());
    assertEquals("INCOMPATIBLE_SCHEMA", refused.errorType());
    assertTrue(refused.getMessage().contains("new schema cannot read data written with value"
        + " schema 1: at /fields/2: READER_FIELD_MISSING_DEFAULT_VALUE country"), refused.getMessage());
    assertEquals(List.of(1, 2), admin.schemas("schemas").valueSchemas().stream()
        .map(v -> v.id()).toList());

    admin.updateStore("schemas", Map.of("schemaCompatibility", "NONE"));
    assertEquals(3, admin.addValueSchema("schemas", Schemas.USER_BAD));

    ControllerException invalid = refused(() -> admin.addValueSchema("schemas", "{\"type\":"));
    assertEquals(400, invalid.status());
    assertTrue(invalid.getMessage().startsWith("value schema for store schemas is not a valid Avro"
        + " schema"), invalid.getMessage());
  }

  @Test
  void versionsCreateTopicsAndResourcesAndRetireOldOnes() {
    create("versions", 3);
    Version v1 = admin.startPush("versions");
    assertEquals(1, v1.number());
    LocalCluster.waitFor("versions_v1 listed by Kafka", WAIT,
        () -> controller().kafkaTopics().contains("versions_v1"));
    assertTrue(controller().helixResources().contains("versions_v1"));
    PushStatus status = admin.pushStatus("versions", 1);
    assertEquals(VersionStatus.STARTED, status.status());
    assertEquals("partition 0 has 0 of 1 replicas ready, partition 1 has 0 of 1 replicas ready,"
        + " partition 2 has 0 of 1 replicas ready", status.detail());

    ControllerException busy = refused(() -> admin.startPush("versions"));
    assertEquals("PUSH_IN_PROGRESS", busy.errorType());

    reportAllReady("versions", v1);
    awaitStatus("versions", 1, VersionStatus.ONLINE);
    assertEquals(1, admin.getStore("versions").currentVersion());

    for (int n = 2; n <= 3; n++) {
      Version v = admin.startPush("versions");
      reportAllReady("versions", v);
      awaitStatus("versions", n, VersionStatus.ONLINE);
    }
    LocalCluster.waitFor("two versions kept by default, v1 retired", WAIT,
        () -> admin.getStore("versions").versions().stream().map(Version::number).toList()
            .equals(List.of(2, 3)));
    assertEquals(3, admin.getStore("versions").currentVersion());
    LocalCluster.waitFor("versions_v1 gone from Kafka", WAIT,
        () -> !controller().kafkaTopics().contains("versions_v1"));
    assertFalse(controller().helixResources().contains("versions_v1"));
    assertTrue(controller().helixResources().contains("versions_v2"));

    assertEquals(2, admin.setCurrentVersion("versions", 2).currentVersion(), "rollback");
  }

  @Test
  void aFailedOrKilledPushNeverBecomesCurrent() {
    create("failing", 2);
    Version v1 = admin.startPush("failing");
    reportAllReady("failing", v1);
    awaitStatus("failing", 1, VersionStatus.ONLINE);

    Version v2 = admin.startPush("failing");
    admin.reportReplica("failing", 2, 0, "localhost_7000", ReplicaStatus.COMPLETED);
    admin.reportReplica("failing", 2, 1, "localhost_7001", ReplicaStatus.ERROR);
    awaitStatus("failing", 2, VersionStatus.ERROR);
    assertEquals("replica localhost_7001 of partition 1 reported ERROR",
        admin.pushStatus("failing", 2).detail());
    assertEquals(1, admin.getStore("failing").currentVersion());
    LocalCluster.waitFor("failing_v2 dropped", WAIT,
        () -> !controller().helixResources().contains("failing_v2"));
    ControllerException notOnline = refused(() -> admin.setCurrentVersion("failing", 2));
    assertEquals("VERSION_NOT_ONLINE", notOnline.errorType());

    Version v3 = admin.startPush("failing");
    assertEquals(3, v3.number(), "version numbers are never reused");
    assertEquals(VersionStatus.KILLED, admin.killPush("failing", 3).status());
    reportAllReady("failing", v3);
    assertEquals(1, admin.getStore("failing").currentVersion());
    LocalCluster.waitFor("failing_v3 gone from Kafka", WAIT,
        () -> !controller().kafkaTopics().contains("failing_v3"));
  }

  @Test
  void hybridStoresGetARealTimeTopic() {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("name", "hybrid");
    request.put("keySchema", Schemas.KEY);
    request.put("valueSchema", Schemas.USER_V1);
    request.put("partitionCount", 2);
    request.put("hybrid", Map.of("rewindSeconds", 600, "offsetLagThreshold", 100));
    assertEquals(new HybridConfig(600, 100), admin.createStore(request).hybrid());
    assertEquals(new HybridConfig(600, 7), admin.updateStore("hybrid",
        Map.of("hybrid", Map.of("offsetLagThreshold", 7))).hybrid(), "omitted fields are kept");
    LocalCluster.waitFor("hybrid_rt listed by Kafka", WAIT,
        () -> controller().kafkaTopics().contains("hybrid_rt"));
    ControllerException fixed = refused(() -> admin.updateStore("hybrid",
        Map.of("partitionCount", 4)));
    assertEquals("HYBRID_PARTITIONS_FIXED", fixed.errorType());
    Map<String, Object> batchOnly = new HashMap<>();
    batchOnly.put("hybrid", null);
    assertNull(admin.updateStore("hybrid", batchOnly).hybrid());
    LocalCluster.waitFor("hybrid_rt deleted", WAIT,
        () -> !controller().kafkaTopics().contains("hybrid_rt"));
  }

  @Test
  void aVetoingHookBlocksAnUpdateAndTheAfterHookSeesBeforeAndAfter() {
    create("guarded", 8);
    ControllerException vetoed = refused(() -> admin.updateStore("guarded",
        Map.of("partitionCount", 100)));
    assertEquals(403, vetoed.status());
    assertEquals("UPDATE_STORE of store guarded vetoed by plugin test-guard: partitionCount 100"
        + " is above the limit of 64", vetoed.getMessage());
    assertEquals(8, admin.getStore("guarded").partitionCount());

    GuardPlugin.SEEN.clear();
    admin.updateStore("guarded", Map.of("partitionCount", 16));
    GuardPlugin.Seen seen = GuardPlugin.SEEN.stream()
        .filter(s -> s.mutation().operation() == AdminOperation.UPDATE_STORE).findFirst()
        .orElseThrow();
    assertEquals("alice", seen.mutation().caller().principal());
    assertTrue(seen.mutation().caller().address().startsWith("127.0.0.1:"));
    assertEquals("guarded", seen.mutation().store());
    assertEquals(8, seen.mutation().before().get("partitionCount"));
    assertEquals(Map.of("partitionCount", 16), seen.mutation().requested());
    assertTrue(seen.outcome().success());
    assertEquals(16, seen.outcome().after().get("partitionCount"));
  }

  @Test
  void dryRunChangesNothing() {
    create("dry", 2);
    admin.send("PATCH", "/stores/dry?dryRun=true", Map.of("partitionCount", 9));
    assertEquals(2, admin.getStore("dry").partitionCount());
    ControllerException vetoed = refused(() -> admin.send("PATCH", "/stores/dry?dryRun=true",
        Map.of("partitionCount", 99)));
    assertEquals("VETOED", vetoed.errorType());
    admin.send("POST", "/stores/dry/versions?dryRun=true", Map.of());
    assertEquals(List.of(), admin.getStore("dry").versions());
  }

  @Test
  void concurrentUpdatesLoseNothing() throws Exception {
    create("contended", 1);
    int threads = 8;
    int perThread = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            admin.updateStore("contended", Map.of("pluginSettings",
                Map.of("plugins.t" + thread + ".k" + i, Integer.toString(i))));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * perThread, admin.getStore("contended").pluginSettings().size());
  }

  @Test
  void badInputIsA4xxNamingTheFaultAndChangesNothing() {
    create("steady", 2);
    Store before = admin.getStore("steady");
    assertBad(400, "malformed JSON body: ", () -> admin.send("PATCH", "/stores/steady",
        new RawJson("{\"partitionCount\": ")));
    assertBad(400, "field partitionCount: expected an integer from 1 to 1024, got -3",
        () -> admin.updateStore("steady", Map.of("partitionCount", -3)));
    assertBad(400, "field replicationFactor: expected an integer from 1 to 16, got \"two\"",
        () -> admin.updateStore("steady", Map.of("replicationFactor", "two")));
    assertBad(400, "unknown field colour; allowed: ", () -> admin.updateStore("steady",
        Map.of("colour", "blue")));
    assertBad(400, "field compressionStrategy: expected one of NO_OP, GZIP, ZSTD, got \"LZ4\"",
        () -> admin.updateStore("steady", Map.of("compressionStrategy", "LZ4")));
    assertBad(400, "pluginSettings key 'hedging.delay' is invalid",
        () -> admin.updateStore("steady", Map.of("pluginSettings", Map.of("hedging.delay", "1"))));
    assertBad(404, "store nope does not exist", () -> admin.updateStore("nope",
        Map.of("partitionCount", 2)));
    assertBad(400, "store name '" + "x".repeat(77) + "...' is invalid",
        () -> create("x".repeat(300), 1));
    assertBad(400, "store name 'a/b' is invalid", () -> admin.createStore("a/b", Schemas.KEY,
        Schemas.USER_V1, 1, 1));
    assertBad(400, "key schema of store k is not a valid Avro schema", () -> admin.createStore(
        "k", "{\"type\": \"nonsense\"}", Schemas.USER_V1, 1, 1));
    assertBad(400, "value schema of store v is not a valid Avro schema", () -> admin.createStore(
        "v", Schemas.KEY, "[\"int\", \"int\"]", 1, 1));
    assertBad(400, "store name 'steady/key-schema' is invalid", () -> admin.send("GET",
        "/stores/steady%2Fkey-schema", null));
    assertBad(400, "instance '..' is not an instance id", () -> admin.reportReplica("steady", 1,
        0, "..", ReplicaStatus.COMPLETED));
    assertBad(400, "field valueSchema is required", () -> admin.createStore(Map.of("name", "v",
        "keySchema", Schemas.KEY)));
    assertBad(409, "store steady already exists", () -> create("steady", 1));
    assertBad(404, "store steady has no version 7", () -> admin.pushStatus("steady", 7));
    assertBad(400, "version 'x' is not a version number", () -> admin.send("GET",
        "/stores/steady/versions/x", null));
    assertBad(405, "DELETE is not allowed on /stores/steady/schemas", () -> admin.send("DELETE",
        "/stores/steady/schemas", null));
    assertBad(413, "request body exceeds the limit of 1048576 bytes", () -> admin.send("PATCH", "/stores/steady",
        new RawJson("{\"pluginSettings\":{\"plugins.a.b\":\"" + "x".repeat(1 << 20) + "\"}}")));
    assertEquals(before, admin.getStore("steady"));
  }

  private static void assertBad(int status, String messageStart, Runnable call) {
    ControllerException e = refused(call);
    assertEquals(status, e.status(), e.getMessage());
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }

  /** A body sent as is, to send malformed JSON. */
  record RawJson(@com.fasterxml.jackson.annotation.JsonRawValue String json) {
    @com.fasterxml.jackson.annotation.JsonValue
    @com.fasterxml.jackson.annotation.JsonRawValue
    public String value() {
      return json;
    }
  }
}
