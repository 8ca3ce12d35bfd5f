package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.PushSummary;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.spi.controller.AdminOperation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    cluster = LocalCluster.builder().servers(1)
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

  /** The one storage server's Helix instance id. */
  private static String server() {
    return cluster.servers().get(0).instanceId();
  }

  /**
   * Reports every partition of a version as ready, as servers do when they reach end-of-push, once
   * the server has opened it (and reported STARTED itself, which would otherwise overwrite ours).
   */
  private static void reportAllReady(String store, Version version) {
    for (int p = 0; p < version.partitionCount(); p++) {
      report(store, version.number(), p, ReplicaStatus.COMPLETED);
    }
  }

  private static void report(String store, int version, int partition, ReplicaStatus status) {
    ReplicaReports.report(admin, server(), store, version, partition, status, WAIT);
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
    long before = System.currentTimeMillis();
    create("schemas", 1);
    assertEquals(2, admin.addValueSchema("schemas", Schemas.USER_V2));
    long after = System.currentTimeMillis();
    assertEquals(2, admin.addValueSchema("schemas", Schemas.USER_V2), "identical: same id");
    ControllerException refused = refused(() -> admin.addValueSchema("schemas", Schemas.USER_BAD));
    assertEquals(409, refused.status());
    assertEquals("INCOMPATIBLE_SCHEMA", refused.errorType());
    assertTrue(refused.getMessage().contains("new schema cannot read data written with value"
        + " schema 1: at /fields/2: READER_FIELD_MISSING_DEFAULT_VALUE country"), refused.getMessage());
    List<ValueSchema> registered = admin.schemas("schemas").valueSchemas();
    assertEquals(List.of(1, 2), registered.stream().map(v -> v.id()).toList());
    // registration times as ZooKeeper recorded them (the embedded server shares this clock)
    long first = registered.get(0).registeredAtMs();
    long second = registered.get(1).registeredAtMs();
    assertTrue(before <= first && first <= second && second <= after, registered.toString());

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

    admin.startPush("failing");
    report("failing", 2, 0, ReplicaStatus.COMPLETED);
    report("failing", 2, 1, ReplicaStatus.ERROR);
    awaitStatus("failing", 2, VersionStatus.ERROR);
    assertEquals("replica " + server() + " of partition 1 reported ERROR",
        admin.pushStatus("failing", 2).detail());
    assertEquals(1, admin.getStore("failing").currentVersion());
    LocalCluster.waitFor("failing_v2 dropped", WAIT,
        () -> !controller().helixResources().contains("failing_v2"));
    ControllerException notOnline = refused(() -> admin.setCurrentVersion("failing", 2));
    assertEquals("VERSION_NOT_ONLINE", notOnline.errorType());

    Version v3 = admin.startPush("failing");
    assertEquals(3, v3.number(), "version numbers are never reused");
    assertEquals(VersionStatus.KILLED, admin.killPush("failing", 3).status());
    LocalCluster.waitFor("a report for killed failing_v3 refused: its replicas are dropped", WAIT,
        () -> {
          try {
            admin.reportReplica("failing", 3, 0, server(), ReplicaStatus.COMPLETED);
            return false;
          } catch (ControllerException e) {
            // which refusal depends on what the controller sees first: Helix's view without the
            // replica, or the version's status path already deleted (the view not yet updated)
            assertTrue(e.errorType().equals("PARTITION_NOT_ASSIGNED")
                || e.getMessage().contains("store failing version 3 was dropped"),
                e.errorType() + ": " + e.getMessage());
            return true;
          }
        });
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
  void aWarningLetsTheDeletionProceedAndIsInTheAnswerOfTheDryRunAndTheRealCall() {
    create("watched1", 1);
    JsonNode dry = admin.send("DELETE", "/stores/watched1?dryRun=true", null);
    assertEquals("[\"test-guard: store watched1 is watched\"]", dry.path("warnings").toString());
    assertTrue(dry.path("accepted").asBoolean(), dry.toString());
    admin.getStore("watched1");
    JsonNode deleted = admin.send("DELETE", "/stores/watched1", null);
    assertEquals("[\"test-guard: store watched1 is watched\"]",
        deleted.path("warnings").toString());
    assertEquals(404, refused(() -> admin.getStore("watched1")).status());
    create("plain", 1);
    assertTrue(admin.send("DELETE", "/stores/plain", null).path("warnings").isMissingNode(),
        "no warning, no field");
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
    // one thread per hedging key, each writing its key five times: a lost update loses a key or
    // leaves an earlier value
    Map<String, List<String>> writes = Map.of(
        "mode", List.of("PERCENTILE", "FIXED", "PERCENTILE", "FIXED", "PERCENTILE"),
        "delay", List.of("1ms", "2ms", "3ms", "4ms", "5ms"),
        "percentile", List.of("90", "91", "92", "93", "94"),
        "min-delay", List.of("1ms", "2ms", "3ms", "4ms", "5ms"),
        "window", List.of("1s", "2s", "3s", "4s", "5s"),
        "enabled", List.of("true", "false", "true", "false", "true"));
    ExecutorService pool = Executors.newFixedThreadPool(writes.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      writes.forEach((key, values) -> done.add(pool.submit(() -> {
        for (String value : values) {
          admin.updateStore("contended", Map.of("pluginSettings",
              Map.of("plugins.hedging." + key, value)));
        }
      })));
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, String> expected = new TreeMap<>();
    writes.forEach((key, values) -> expected.put("plugins.hedging." + key, values.get(4)));
    assertEquals(expected, new TreeMap<>(admin.getStore("contended").pluginSettings()));
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
    assertBad(400, "field compressionStrategy: expected one of NO_OP, GZIP, ZSTD, ZSTD_WITH_DICT,"
        + " got \"LZ4\"", () -> admin.updateStore("steady", Map.of("compressionStrategy",
            "LZ4")));
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

  @Test
  void aMisspelledDryRunIsRefusedAndTheStoreStays() throws Exception {
    create("rehearsed", 1);
    RawHttp http = new RawHttp(cluster.controllerUrl(), WAIT);
    for (String value : List.of("maybe", "yes", "1", "TRUE", "")) {
      RawHttp.Answer answer = http.send("DELETE", "/stores/rehearsed?dryRun=" + value, null, null);
      assertEquals(400, answer.status(), answer.toString());
      assertEquals("query parameter dryRun: expected true or false (lower case), got '" + value
          + "'", answer.json().get("error").asText());
    }
    RawHttp.Answer misspelled = http.send("DELETE", "/stores/rehearsed?dryrun=true", null, null);
    assertEquals(400, misspelled.status(), misspelled.toString());
    assertEquals("unknown query parameter dryrun for DELETE /stores/{store}; accepted: dryRun",
        misspelled.json().get("error").asText());
    assertEquals(400, http.send("GET", "/stores/rehearsed?verbose=true", null, null).status());
    RawHttp.Answer rehearsal = http.send("DELETE", "/stores/rehearsed?dryRun=true", null, null);
    assertEquals(200, rehearsal.status(), rehearsal.toString());
    assertTrue(rehearsal.json().get("dryRun").asBoolean());
    assertEquals("rehearsed", admin.getStore("rehearsed").name(), "the store is still there");
  }

  @Test
  void bodiesMethodsAndEncodingsAreCheckedBeforeAnythingChanges() throws Exception {
    RawHttp http = new RawHttp(cluster.controllerUrl(), WAIT);
    String body = AdminHttpServer.JSON.writeValueAsString(Map.of("name", "strict", "keySchema",
        Schemas.KEY, "valueSchema", Schemas.USER_V1));
    for (String bad : List.of(body + " garbage", body + "{\"x\":1}", "  \n ",
        body.replace("{", "{\"name\": \"twice\", "))) {
      RawHttp.Answer answer = http.json("POST", "/stores", bad);
      assertEquals(400, answer.status(), bad + " -> " + answer);
      assertTrue(answer.json().get("error").asText().startsWith("malformed JSON body: "),
          answer.toString());
    }
    RawHttp.Answer plain = http.send("POST", "/stores", "text/plain",
        body.getBytes(StandardCharsets.UTF_8));
    assertEquals(415, plain.status(), plain.toString());
    assertEquals(415, http.send("POST", "/stores", null, body.getBytes(StandardCharsets.UTF_8))
        .status());
    assertFalse(admin.listStores().contains("strict"), "nothing was created");

    for (String path : List.of("/leader", "/metrics", "/health", "/plugins", "/cluster")) {
      RawHttp.Answer wrong = http.json("POST", path, "{}");
      assertEquals(405, wrong.status(), path + " -> " + wrong);
      assertEquals("GET, HEAD", wrong.headers().get("allow"), path);
      assertTrue(wrong.isJsonError(), wrong.toString());
    }
    RawHttp.Answer deleteList = http.send("DELETE", "/stores", null, null);
    assertEquals(405, deleteList.status());
    assertEquals("GET, HEAD, POST", deleteList.headers().get("allow"));

    for (String target : List.of("/stores/%zz", "/stores/a%C3%28", "/stores/x?dryRun=%G1",
        "/stores/a|b")) {
      RawHttp.Answer answer = http.send("DELETE", target, null, null);
      assertEquals(400, answer.status(), target + " -> " + answer);
      assertTrue(answer.isJsonError(), target + " -> " + answer);
    }

    create("big-patch", 1);
    byte[] huge = ("{\"pluginSettings\":{\"plugins.a.b\":\"" + "x".repeat(10 << 20) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 2; i++) {
      RawHttp.Answer tooLarge = http.send("PATCH", "/stores/big-patch", "application/json", huge);
      assertEquals(413, tooLarge.status(), tooLarge.toString());
      assertTrue(tooLarge.isJsonError(), "a complete JSON answer: " + tooLarge);
    }
    assertEquals(Map.of(), admin.getStore("big-patch").pluginSettings());
  }

  @Test
  void schemasThatCannotHoldAValueAreRefused() {
    Map<String, String> empty = new LinkedHashMap<>();
    empty.put("[]", "can hold no value: an empty union []");
    empty.put("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[]}",
        "can hold no value: enum E has no symbols");
    empty.put("{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"next\","
        + "\"type\":\"Node\"}]}", "can hold no value: record Node contains itself at /next");
    empty.put("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
        + "\"type\":[]}]}", "can hold no value: an empty union [] at /a");
    empty.put("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":-1}",
        "has an invalid logical type decimal at the top");
    empty.put("{\"type\":\"record\",\"name\":\"Money\",\"fields\":[{\"name\":\"amount\","
        + "\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,"
        + "\"scale\":9}}]}", "has an invalid logical type decimal at /amount");
    create("evolving", 1);
    for (Map.Entry<String, String> bad : empty.entrySet()) {
      ControllerException key = refused(() -> admin.createStore("hollow", bad.getKey(),
          Schemas.USER_V1, 1, 1));
      assertEquals("INVALID_SCHEMA", key.errorType(), key.getMessage());
      assertTrue(key.getMessage().startsWith("key schema of store hollow " + bad.getValue()),
          key.getMessage());
      ControllerException value = refused(() -> admin.createStore("hollow", Schemas.KEY,
          bad.getKey(), 1, 1));
      assertTrue(value.getMessage().startsWith("value schema of store hollow " + bad.getValue()),
          value.getMessage());
      ControllerException added = refused(() -> admin.addValueSchema("evolving", bad.getKey()));
      assertEquals(400, added.status(), added.getMessage());
    }
    assertFalse(admin.listStores().contains("hollow"));
    assertEquals(1, admin.schemas("evolving").valueSchemas().size());
    admin.createStore("linked", Schemas.KEY, "{\"type\":\"record\",\"name\":\"Link\","
        + "\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Link\"]}]}", 1, 1);
  }

  @Test
  void aDocOrAliasOnlyEditIsANewSchemaVersion() {
    create("described", 1);
    String documented = Schemas.USER_V1.replace("\"name\":\"User\",",
        "\"name\":\"User\",\"doc\":\"a user\",");
    assertEquals(2, admin.addValueSchema("described", documented));
    assertEquals(2, admin.addValueSchema("described", documented), "identical: same id");
    String aliased = Schemas.USER_V1.replace("{\"name\":\"name\",\"type\":\"string\"}",
        "{\"name\":\"name\",\"type\":\"string\",\"aliases\":[\"fullName\"]}");
    assertEquals(3, admin.addValueSchema("described", aliased));
    assertTrue(admin.schemas("described").valueSchemas().get(2).schema().contains("fullName"));
    assertEquals(1, admin.addValueSchema("described", Schemas.USER_V1), "the original: id 1");
  }

  @Test
  void pushProgressReportsShowInTheJobStatusAndThePushListUntilThePushEnds() {
    create("progressed", 2);
    Version v1 = admin.startPush("progressed");
    admin.reportPushProgress("progressed", 1, new PushProgressReport("WRITING", "RUNNING", 400,
        1_000, 100, 6.0, 4.8, 7.2, null));
    PushProgressReport shown = admin.pushStatus("progressed", 1).progress();
    assertEquals(400, shown.recordsWritten());
    assertTrue(shown.etaSeconds() <= 6.0 && shown.etaSeconds() > 5.0, "counts down from 6 s: "
        + shown);
    assertTrue(shown.reportedAtMs() > 0);
    PushSummary listed = admin.pushes("progressed").get(0);
    assertEquals(VersionStatus.STARTED, listed.status());
    assertEquals(0, listed.completedPartitions());
    assertEquals(2, listed.partitionCount());
    assertEquals(400, listed.progress().recordsWritten());
    assertTrue(admin.pushes(null).stream().anyMatch(p -> p.store().equals("progressed")));
    assertEquals(404, refused(() -> admin.pushes("no-such-store")).status());
    // bad reports change nothing
    assertBad(400, "field recordsWritten: expected an integer from 0 to 1000", () -> admin
        .reportPushProgress("progressed", 1, new PushProgressReport("WRITING", "RUNNING", 2_000,
            1_000, 1, null, null, null, null)));
    assertBad(400, "field phase: expected one of", () -> admin.reportPushProgress("progressed", 1,
        new PushProgressReport("SLEEPING", "RUNNING", 1, 1_000, 1, null, null, null, null)));
    assertBad(400, "field etaSeconds: expected a number", () -> admin.send("POST",
        "/stores/progressed/versions/1/progress", Map.of("phase", "WRITING", "state", "RUNNING",
            "recordsWritten", 1, "totalRecords", 10, "etaSeconds", "soon")));
    assertEquals(404, refused(() -> admin.reportPushProgress("progressed", 9,
        new PushProgressReport("WRITING", "RUNNING", 1, 10, 1, null, null, null, null)))
        .status());
    assertEquals(400, admin.pushStatus("progressed", 1).progress().recordsWritten());
    reportAllReady("progressed", v1);
    awaitStatus("progressed", 1, VersionStatus.ONLINE);
    ControllerException ended = refused(() -> admin.reportPushProgress("progressed", 1,
        new PushProgressReport("WAITING_FOR_ONLINE", "DONE", 1_000, 1_000, 1, 0.0, 0.0, 0.0,
            null)));
    assertEquals("PUSH_NOT_IN_PROGRESS", ended.errorType());
    assertNull(admin.pushStatus("progressed", 1).progress());
    PushSummary done = admin.pushes("progressed").get(0);
    assertEquals(VersionStatus.ONLINE, done.status());
    assertEquals(100.0, done.progressPercent());
  }

  @Test
  void replicaReportsComeOnlyFromLiveInstancesForTheirPartitions() {
    create("reported", 2);
    admin.startPush("reported");
    ControllerException stranger = refused(() -> admin.reportReplica("reported", 1, 0,
        "localhost_7000", ReplicaStatus.COMPLETED));
    assertEquals(409, stranger.status());
    assertEquals("INSTANCE_NOT_LIVE", stranger.errorType());
    assertFalse(admin.pushStatus("reported", 1).partitions().get(0).replicas()
        .containsKey("localhost_7000"), "nothing stored");
    assertBad(400, "instance '..' is not an instance id", () -> admin.reportReplica("reported", 1,
        0, "..", ReplicaStatus.COMPLETED));
    report("reported", 1, 0, ReplicaStatus.COMPLETED);
    assertEquals(ReplicaStatus.COMPLETED, admin.pushStatus("reported", 1).partitions().get(0)
        .replicas().get(server()));
  }

  @Test
  void concurrentDeletesDeleteOnceAndLeaveNoTopicOrResource() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 3; round++) {
        String name = "doomed" + round;
        create(name, 2);
        if (round == 0) {
          admin.startPush(name); // a push in progress when the deletes come
        }
        List<Future<Integer>> deletes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          deletes.add(pool.submit(() -> status(() -> admin.deleteStore(name))));
        }
        Future<Integer> push = pool.submit(() -> status(() -> admin.startPush(name)));
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> delete : deletes) {
          statuses.add(delete.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": "
            + statuses);
        assertEquals(4, statuses.stream().filter(s -> s == 404).count(), "round " + round + ": "
            + statuses);
        int pushed = push.get(60, TimeUnit.SECONDS);
        assertTrue(pushed == 200 || pushed == 404 || pushed == 409, "start push: " + pushed);
        assertFalse(admin.listStores().contains(name));
        LocalCluster.waitFor(() -> "no topic or Helix resource of " + name + " left: "
            + controller().kafkaTopics() + " " + controller().helixResources(), WAIT,
            () -> controller().kafkaTopics().stream().noneMatch(t -> t.startsWith(name + "_"))
                && controller().helixResources().stream().noneMatch(
                    r -> r.startsWith(name + "_")));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** 200 when {@code call} succeeds, else the controller's status. */
  private static int status(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (ControllerException e) {
      return e.status();
    }
  }

  @Test
  void emptyAndShrinkingPushesNeedToBeAskedFor() {
    create("sized", 1);
    ControllerException empty = refused(() -> admin.startPush("sized", 0, false, false));
    assertEquals(409, empty.status());
    assertEquals("EMPTY_PUSH", empty.errorType());
    Version v1 = admin.startPush("sized", 100, false, false);
    assertEquals(100L, v1.recordCount());
    reportAllReady("sized", v1);
    awaitStatus("sized", 1, VersionStatus.ONLINE);

    ControllerException shrink = refused(() -> admin.startPush("sized", 40, false, false));
    assertEquals("PUSH_WOULD_SHRINK_STORE", shrink.errorType());
    assertEquals("push into store sized has 40 records, 60% fewer than the 100 of current version"
        + " 1 (the limit is 50%, push.max.shrink.fraction); push with force (venice push --force)"
        + " if this is intended", shrink.getMessage());
    assertEquals(List.of(1), admin.getStore("sized").versions().stream().map(Version::number)
        .toList(), "no version was created");

    int half = admin.startPush("sized", 50, false, false).number();
    admin.killPush("sized", half);
    int forced = admin.startPush("sized", 10, false, true).number();
    admin.killPush("sized", forced);
    int allowed = admin.startPush("sized", 0, true, false).number();
    admin.killPush("sized", allowed);
    assertEquals(1, admin.getStore("sized").currentVersion());
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
