package dev.venice.plugins.replicationrepair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminActionException.Reason;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.controller.StoreVersion.Status;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.CapturingLogger;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingAdminActions.Call;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The plugin contract, and the repair task driven run by run with a manual clock, the testkit's
 * controller host (store versions, leadership, recorded admin actions) and cluster view (live
 * servers, external view): a standby does nothing; an under-replicated version is rebalanced
 * (scope REPLICAS), counted, gauged, warned about once per 10 minutes and reported; the grace
 * period, the rate limit across stores, the cooldown, a push in progress and too few live servers
 * defer it; a dry run asks with {@code dryRun=true}; NOT_LEADER ends a run quietly; VETOED and
 * FAILED are reported; a switched-off store loses its gauge; a failed run is counted.
 */
class ReplicationRepairPluginTest extends PluginContractTest<ReplicationRepairPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "venice.controller.replication.repair.";
  /** Both replicas of partitions 0 and 1 on the live servers a and b. */
  private static final Map<Integer, Map<String, String>> HEALTHY = Map.of(
      0, Map.of("a", "LEADER", "b", "STANDBY"), 1, Map.of("b", "LEADER", "a", "STANDBY"));
  /** Partition 1 lost its replica on c, a server that left. */
  private static final Map<Integer, Map<String, String>> PARTITION_1_SHORT = Map.of(
      0, Map.of("a", "LEADER", "b", "STANDBY"), 1, Map.of("b", "LEADER", "c", "STANDBY"));

  private TestingPluginContext context;
  private TestingControllerHost host;
  private BackgroundTask task;
  private TestingExtensions extensions;
  private final CapturingLogger log = new CapturingLogger("venice.plugin.replication-repair");

  @Override
  protected ReplicationRepairPlugin newPlugin() {
    return new ReplicationRepairPlugin();
  }

  /** One run as the leader over an under-replicated store, and a read of the report. */
  @Override
  protected void exercise(ReplicationRepairPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    TestingControllerHost controller =
        (TestingControllerHost) context.controller().orElseThrow();
    servers(context, "a", "b");
    store(context, controller, "s", PARTITION_1_SHORT);
    controller.gainLeadership();
    extensions.backgroundTasks().get(0).run();
    extensions.endpoint("report").handle(get("GET"));
  }

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  // ---- leadership, the repair and what it reports ------------------------------------------

  @Test
  void aStandbyDoesNothing() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    task.run();
    assertEquals(List.of(), host.adminActions().calls());
    assertTrue(report().path("lastRun").isNull(), report().toString());
    assertEquals(0.0, counter("runs", Map.of()));
    assertNull(gauge("s"));
    assertEquals(Duration.ofMinutes(5), task.interval(), "interval 5m by default");
  }

  @Test
  void anUnderReplicatedVersionIsRebalancedCountedGaugedWarnedAndReported() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    store("healthy", HEALTHY);
    host.gainLeadership();
    task.run();

    assertEquals(List.of(rebalance("s", 1, false)), host.adminActions().calls());
    assertEquals(1.0, gauge("s"));
    assertEquals(0.0, gauge("healthy"), "a healthy store's gauge is 0");
    assertEquals(1.0, counter("rebalances", Map.of("store", "s")));
    assertEquals(1.0, counter("runs", Map.of()));
    JsonNode report = report();
    assertTrue(report.path("leading").asBoolean(), report.toString());
    JsonNode run = report.path("lastRun");
    assertEquals(List.of("a", "b"), texts(run.path("liveServers")));
    assertEquals(2, run.path("storesChecked").asInt());
    assertEquals(1, run.path("underReplicatedPartitions").asInt());
    assertEquals(1, run.path("stores").size(), "only affected stores are listed: " + run);
    JsonNode version = run.path("stores").get(0).path("versions").get(0);
    assertEquals("REBALANCED", version.path("action").asText(), version.toString());
    assertEquals(1, version.path("partitions").get(0).path("partition").asInt());
    assertEquals(1, version.path("partitions").get(0).path("healthy").asInt());
    assertEquals(2, version.path("partitions").get(0).path("expected").asInt());
    assertEquals(List.of("b"), texts(version.path("partitions").get(0).path("servers")));

    List<String> warnings = log.messagesAt(Level.WARN);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("store s: 1 under-replicated partitions")
        && warnings.get(0).contains("1 (1/2 on b)") && warnings.get(0).contains("rebalanced"),
        warnings.get(0));
    context.time().advance(Duration.ofMinutes(1));
    task.run();
    assertEquals(1, log.messagesAt(Level.WARN).size(), "at most one warning per 10 minutes");
    context.time().advance(ReplicationFactorRepairTask.WARNING_INTERVAL);
    task.run();
    assertEquals(2, log.messagesAt(Level.WARN).size());

    host.loseLeadership();
    task.run();
    assertNull(gauge("s"), "a standby keeps no gauge");
  }

  @Test
  void theGracePeriodDefersAPartitionUntilItStaysUnderReplicated() throws Exception {
    start(Map.of("grace-period", "5m"));
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    task.run();
    assertEquals("GRACE_PERIOD", onlyVersion().path("reason").asText());
    context.time().advance(Duration.ofMinutes(4));
    task.run();
    assertEquals(List.of(), host.adminActions().calls());

    context.host().clusterView().replicaStates("s", 1, HEALTHY); // the server came back
    task.run();
    assertEquals(0, report().path("lastRun").path("stores").size());
    context.host().clusterView().replicaStates("s", 1, PARTITION_1_SHORT);
    context.time().advance(Duration.ofMinutes(2));
    task.run();
    assertEquals("GRACE_PERIOD", onlyVersion().path("reason").asText(), "it starts over");
    context.time().advance(Duration.ofMinutes(5));
    task.run();
    assertEquals(List.of(rebalance("s", 1, false)), host.adminActions().calls());
    assertEquals(3.0, counter("rebalances.deferred", Map.of("reason", "grace-period")));
  }

  @Test
  void theRateLimitLetsOneRebalanceThroughPerIntervalAcrossStores() throws Exception {
    start(Map.of("rebalance-interval", "30s"));
    store("s1", PARTITION_1_SHORT);
    store("s2", PARTITION_1_SHORT);
    host.gainLeadership();
    task.run();
    assertEquals(List.of(rebalance("s1", 1, false)), host.adminActions().calls());
    JsonNode s2 = report().path("lastRun").path("stores").get(1);
    assertEquals("s2", s2.path("store").asText());
    assertEquals("RATE_LIMIT", s2.path("versions").get(0).path("reason").asText(),
        s2.toString());
    context.time().advance(Duration.ofSeconds(29));
    task.run();
    assertEquals(1, host.adminActions().calls().size());
    context.time().advance(Duration.ofSeconds(1));
    task.run();
    assertEquals(List.of(rebalance("s1", 1, false), rebalance("s2", 1, false)),
        host.adminActions().calls());
    assertEquals(2.0, counter("rebalances.deferred", Map.of("reason", "rate-limit")));
    assertEquals(2.0, counter("rebalances.deferred", Map.of("reason", "cooldown")),
        "s1 waits for its cooldown meanwhile");
  }

  @Test
  void theCooldownLeavesARebalancedResourceAloneWhileHelixBootstraps() throws Exception {
    start(Map.of("rebalance-interval", "1s", "cooldown", "10m"));
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    task.run();
    context.time().advance(Duration.ofMinutes(9));
    task.run();
    assertEquals("COOLDOWN", onlyVersion().path("reason").asText());
    assertEquals(1, host.adminActions().calls().size());
    context.time().advance(Duration.ofMinutes(1));
    task.run();
    assertEquals(2, host.adminActions().calls().size(), "still short after the cooldown");
  }

  @Test
  void aPushInProgressDefersEveryVersionOfTheStore() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    host.setVersions("s", List.of(new StoreVersion(1, Status.ONLINE, 2, 2),
        new StoreVersion(2, Status.STARTED, 2, 2)));
    host.gainLeadership();
    task.run();
    assertEquals(List.of(), host.adminActions().calls());
    assertEquals("PUSH_IN_PROGRESS", onlyVersion().path("reason").asText());
    assertEquals(1.0, gauge("s"), "the version being pushed is not counted");

    host.setVersions("s", List.of(new StoreVersion(1, Status.ONLINE, 2, 2),
        new StoreVersion(2, Status.ONLINE, 2, 2)));
    context.host().clusterView().replicaStates("s", 2, HEALTHY);
    task.run();
    assertEquals(List.of(rebalance("s", 1, false)), host.adminActions().calls(),
        "a backup version is repaired too");
  }

  @Test
  void aPushStartedAfterTheRunReadTheVersionsIsDeferredByTheController() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    host.adminActions().refuseWith(Reason.CONFLICT);
    task.run();
    assertEquals("PUSH_IN_PROGRESS", onlyVersion().path("reason").asText(),
        onlyVersion().toString());
    assertEquals(1.0, counter("rebalances.deferred", Map.of("reason", "push-in-progress")));
  }

  @Test
  void anEmptyExternalViewIsNotTakenForLostReplicas() throws Exception {
    start(Map.of());
    store("s", Map.of()); // not loaded yet, or the version retired during the run
    host.gainLeadership();
    task.run();
    assertEquals(List.of(), host.adminActions().calls());
    assertEquals(0.0, gauge("s"));
    assertEquals(0, report().path("lastRun").path("stores").size());
  }

  @Test
  void tooFewLiveServersAreReportedNotRebalanced() throws Exception {
    start(Map.of());
    context.host().stores().put("s", Map.of());
    host.setVersions("s", List.of(new StoreVersion(1, Status.ONLINE, 1, 3)));
    context.host().clusterView().replicaStates("s", 1, Map.of(0, Map.of("a", "LEADER",
        "b", "STANDBY")));
    host.gainLeadership();
    task.run();
    assertEquals(List.of(), host.adminActions().calls());
    assertEquals("NOT_ENOUGH_LIVE_SERVERS", onlyVersion().path("reason").asText());
  }

  @Test
  void aDryRunAsksTheBeforeHooksOnlyOnEveryRun() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    context.putStoreSettings("s", Map.of("dry-run", "true"));
    host.gainLeadership();
    task.run();
    task.run();
    assertEquals(List.of(rebalance("s", 1, true), rebalance("s", 1, true)),
        host.adminActions().calls(), "no rate limit nor cooldown: nothing changed");
    assertEquals("WOULD_REBALANCE", onlyVersion().path("action").asText());
    assertEquals("would rebalance (dry run)", onlyVersion().path("detail").asText());
    assertEquals(0.0, counter("rebalances", Map.of("store", "s")));

    context.putStoreSettings("s", Map.of("dry-run", "false"));
    task.run();
    assertEquals(rebalance("s", 1, false), host.adminActions().calls().get(2));
  }

  @Test
  void notLeaderEndsTheRunQuietly() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    host.adminActions().refuseWith(Reason.NOT_LEADER);
    task.run();
    assertTrue(report().path("lastRun").isNull(), report().toString());
    assertEquals(0.0, counter("run.failures", Map.of()));
    assertEquals(List.of(), log.messagesAt(Level.WARN));
  }

  @Test
  void vetoedAndFailedRebalancesAreReportedAndTriedAgain() throws Exception {
    start(Map.of("rebalance-interval", "1s"));
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    host.adminActions().refuseWith(Reason.VETOED);
    task.run();
    assertEquals("REFUSED", onlyVersion().path("action").asText());
    assertEquals("VETOED", onlyVersion().path("reason").asText());
    assertTrue(onlyVersion().path("detail").asText().contains("refused by the test"),
        onlyVersion().toString());
    host.adminActions().refuseWith(Reason.FAILED);
    context.time().advance(Duration.ofSeconds(1));
    task.run();
    assertEquals("FAILED", onlyVersion().path("reason").asText());
    host.adminActions().refuseWith(null);
    context.time().advance(Duration.ofSeconds(1));
    task.run();
    assertEquals("REBALANCED", onlyVersion().path("action").asText());
  }

  @Test
  void aSwitchedOffStoreIsNotCheckedAndLosesItsGauge() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    task.run();
    assertEquals(1.0, gauge("s"));
    context.putStoreSettings("s", Map.of("enabled", "false"));
    task.run();
    assertNull(gauge("s"));
    assertEquals(0, report().path("lastRun").path("storesChecked").asInt());
  }

  @Test
  void aFailedRunIsCountedAndThrownToTheHost() throws Exception {
    start(Map.of());
    store("s", PARTITION_1_SHORT);
    host.gainLeadership();
    context.host().stores().unavailable(true);
    assertThrows(IllegalStateException.class, task::run);
    assertEquals(1.0, counter("run.failures", Map.of()));
  }

  @Test
  void theReportAnswersGetOnly() throws Exception {
    start(Map.of());
    PluginHttpResponse response = extensions.endpoint("report").handle(get("POST"));
    assertEquals(405, response.status());
    assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("use GET"));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void start(Map<String, String> config) throws Exception {
    Map<String, String> all = new HashMap<>(Map.of("grace-period", "0s"));
    all.putAll(config);
    context = TestingPluginContext.builder(newPlugin()).config(all).logger(log).build();
    host = (TestingControllerHost) context.controller().orElseThrow();
    servers(context, "a", "b");
    extensions = context.start();
    task = extensions.backgroundTasks().get(0);
  }

  private void store(String store, Map<Integer, Map<String, String>> states) {
    store(context, host, store, states);
  }

  /** A store with one online version of 2 partitions, replication factor 2, in this view. */
  private static void store(TestingPluginContext context, TestingControllerHost host,
      String store, Map<Integer, Map<String, String>> states) {
    context.host().stores().put(new StoreInfo(store, 1, 2, 2, "NO_OP", false, Map.of()));
    host.setVersions(store, List.of(new StoreVersion(1, Status.ONLINE, 2, 2)));
    context.host().clusterView().replicaStates(store, 1, states);
  }

  private static void servers(TestingPluginContext context, String... ids) {
    List<ClusterMember> members = new ArrayList<>();
    for (String id : ids) {
      members.add(new ClusterMember(id, ProcessKind.SERVER, "http://" + id, null));
    }
    context.host().clusterView().members(members);
  }

  private static Call rebalance(String store, int version, boolean dryRun) {
    return new Call("rebalance", store, version, RebalanceScope.REPLICAS, Map.of(), dryRun);
  }

  private static PluginHttpRequest get(String method) {
    return new PluginHttpRequest(method, "report", Map.of(), Map.of(), new byte[0]);
  }

  private JsonNode report() throws Exception {
    PluginHttpResponse response = extensions.endpoint("report").handle(get("GET"));
    assertEquals(200, response.status());
    return JSON.readTree(response.body());
  }

  /** The only version of the only store in the last report. */
  private JsonNode onlyVersion() throws Exception {
    JsonNode stores = report().path("lastRun").path("stores");
    assertEquals(1, stores.size(), stores.toString());
    return stores.get(0).path("versions").get(0);
  }

  private Double gauge(String store) {
    Gauge gauge = context.meterRegistry().find(PREFIX + "under.replicated.partitions")
        .tag("store", store).gauge();
    return gauge == null ? null : gauge.value();
  }

  private double counter(String name, Map<String, String> tags) {
    var search = context.meterRegistry().find(PREFIX + name);
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      search = search.tag(tag.getKey(), tag.getValue());
    }
    Counter counter = search.counter();
    return counter == null ? 0.0 : counter.count();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
