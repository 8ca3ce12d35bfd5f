package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.controller.SchemaDryRun;
import dev.venice.runtime.common.controller.SchemaDryRun.Direction;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.localcluster.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code POST /stores/{store}/schemas?dryRun=true} and {@code venice schema add --dry-run} (seed
 * project 35) on a local cluster: per registered value schema the verdict with Avro's field-level
 * reasons, the refusal the real registration would answer, the pushes in flight; and no ZooKeeper
 * write at all, shown by ZooKeeper's own transaction ids: a marker znode created just before and
 * just after a dry run are consecutive transactions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaDryRunTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String STORE = "users";
  /** V2 plus a field with a default: compatible both ways with V1 and V2. */
  private static final String USER_V3 = """
      {"type":"record","name":"User","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string"},
        {"name":"age","type":"int","default":0},
        {"name":"email","type":"string","default":""},
        {"name":"city","type":"string","default":""}]}""";

  private static LocalCluster cluster;
  private static ControllerClient admin;
  private static ZooKeeper zooKeeper;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(0).build();
    admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore(STORE, Schemas.KEY, Schemas.USER_V1, 1, 1);
    assertEquals(2, admin.addValueSchema(STORE, Schemas.USER_V2));
    CountDownLatch connected = new CountDownLatch(1);
    zooKeeper = new ZooKeeper(cluster.zooKeeperAddress(), 30_000, event -> {
      if (event.getState() == KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    assertTrue(connected.await(30, TimeUnit.SECONDS), "connected to ZooKeeper");
  }

  @AfterAll
  static void stop() throws Exception {
    if (zooKeeper != null) {
      zooKeeper.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void anIncompatibleSchemaIsReportedFieldByFieldAndNothingIsWritten() throws Exception {
    SchemaDryRun report = withoutZooKeeperWrites(
        () -> admin.dryRunValueSchema(STORE, Schemas.USER_BAD));
    assertFalse(report.accepted(), report.toString());
    assertEquals(409, report.refusal().status());
    assertEquals("INCOMPATIBLE_SCHEMA", report.refusal().errorType());
    assertTrue(report.refusal().error().contains(STORE), report.refusal().error());
    assertEquals(List.of(1, 2), report.versions().stream().map(VersionVerdict::id).toList());
    for (VersionVerdict verdict : report.versions()) {
      assertFalse(verdict.compatible(), verdict.toString());
      assertFalse(verdict.newReadsOld(), "the new schema cannot read old data: " + verdict);
      assertTrue(verdict.oldReadsNew(), "old readers skip the new field: " + verdict);
      Reason reason = verdict.reasons().get(0);
      assertEquals(Direction.BACKWARD, reason.direction());
      assertTrue(reason.enforced(), reason.toString());
      assertEquals("country", reason.field(), reason.toString());
      assertEquals("READER_FIELD_MISSING_DEFAULT_VALUE", reason.type());
      assertTrue(reason.message().contains("country"), reason.message());
    }
    assertEquals(2, admin.schemas(STORE).valueSchemas().size(), "nothing registered");
  }

  @Test
  @Order(2)
  void aCompatibleSchemaWouldGetTheNextIdAndAnIdenticalOneItsOwn() throws Exception {
    SchemaDryRun next = withoutZooKeeperWrites(() -> admin.dryRunValueSchema(STORE, USER_V3));
    assertTrue(next.accepted(), next.toString());
    assertNull(next.refusal());
    assertNull(next.identicalToId());
    assertEquals(3, next.schemaId());
    assertTrue(next.versions().stream().allMatch(v -> v.compatible() && v.reasons().isEmpty()),
        next.toString());
    SchemaDryRun same = admin.dryRunValueSchema(STORE, Schemas.USER_V2);
    assertTrue(same.accepted());
    assertEquals(2, same.identicalToId());
    assertEquals(2, admin.schemas(STORE).valueSchemas().size(), "nothing registered");
  }

  @Test
  @Order(3)
  void badRequestsAreRefusedAsForTheRealCall() {
    ControllerException invalid = assertThrows(ControllerException.class,
        () -> admin.dryRunValueSchema(STORE, "{\"type\": \"record\""));
    assertEquals(400, invalid.status(), invalid.getMessage());
    ControllerException missing = assertThrows(ControllerException.class,
        () -> admin.dryRunValueSchema("nosuchstore", Schemas.USER_V2));
    assertEquals(404, missing.status(), missing.getMessage());
    assertTrue(missing.getMessage().contains("nosuchstore"), missing.getMessage());
  }

  @Test
  @Order(4)
  void aPushInFlightIsNamedAndTheCliAnswersBothWays() throws Exception {
    Version pushing = admin.startPush(STORE);
    SchemaDryRun report = admin.dryRunValueSchema(STORE, USER_V3);
    assertEquals(List.of(pushing.number()), report.inFlightPushes().stream()
        .map(SchemaDryRun.AffectedPush::version).toList(), report.toString());

    DistributionCli.Result refused = DistributionCli.run(cluster.controllerUrl(), "schema", "add",
        "--store", STORE, "--schema", Schemas.USER_BAD, "--dry-run", "--json");
    assertEquals(1, refused.status(), refused.output());
    JsonNode json = new ObjectMapper().readTree(refused.output());
    assertFalse(json.path("accepted").asBoolean(), refused.output());
    assertEquals("country", json.path("versions").get(0).path("reasons").get(0).path("field")
        .asText(), refused.output());
    String text = DistributionCli.venice(cluster.controllerUrl(), "schema", "add", "--store",
        STORE, "--schema", USER_V3, "--dry-run");
    assertTrue(text.contains("Would be accepted as value schema id 3")
        && text.contains("version " + pushing.number()), text);
    assertTrue(DistributionCli.venice(cluster.controllerUrl(), "schema", "add", "--help")
        .contains("--dry-run"));
    assertEquals(2, admin.schemas(STORE).valueSchemas().size(), "nothing registered");
    admin.killPush(STORE, pushing.number());
  }

  /**
   * Runs {@code dryRun} between two marker znodes and returns its answer once their creations
   * were consecutive ZooKeeper transactions: nothing (the dry run included) wrote in between. A
   * write by something else (a server's heartbeat, Helix) makes a window fail, so windows are
   * retried until the deadline; a dry run that writes would fail every one.
   */
  private static <T> T withoutZooKeeperWrites(Supplier<T> dryRun) {
    Object[] answer = new Object[1];
    long[] gap = {-1};
    LocalCluster.waitFor(() -> "two marker znodes around a dry run as consecutive transactions;"
        + " the last window had " + gap[0] + " transactions", WAIT, () -> {
          long before = markerZxid();
          answer[0] = dryRun.get();
          gap[0] = markerZxid() - before;
          return gap[0] == 1;
        });
    @SuppressWarnings("unchecked")
    T result = (T) answer[0];
    return result;
  }

  private static long markerZxid() {
    try {
      Stat stat = new Stat();
      zooKeeper.create("/schema-dry-run-marker-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT_SEQUENTIAL, stat);
      return stat.getCzxid();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a marker znode", e);
    }
  }
}
