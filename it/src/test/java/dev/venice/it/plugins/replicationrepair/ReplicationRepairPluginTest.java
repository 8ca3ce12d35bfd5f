package dev.venice.it.plugins.replicationrepair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.helix.HelixAdmin;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.IdealState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication-repair plugin, loaded from the distribution's plugin directory and switched on by
 * configuration, on a local cluster of 3 servers whose Helix rebalance delay is 10 minutes (Helix
 * keeps a departed server's replicas for it that long): a store of 6 partitions with replication
 * factor 2 is pushed once, one server is stopped for good. In dry run, {@code venice
 * show-under-replicated --json} reports the partitions it held and "would rebalance", and the
 * external view stays under-replicated across several runs of the task. With the dry run off for
 * the store, every partition gets back 2 LEADER/STANDBY replicas on the 2 remaining servers (the
 * repair, not Helix's own timer), the report and gauge drop to 0, and the audit log shows the
 * REBALANCE with scope REPLICAS by {@code plugin:replication-repair}.
 */
class ReplicationRepairPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STORE = "repaired";
  private static final int PARTITIONS = 6;
  private static final String DRY_RUN = "plugins.replication-repair.dry-run";
  private static final String REPORT = "/plugins/replication-repair/report";

  @TempDir Path dir;

  @Test
  void aServerLostForGoodIsRepairedOnceTheDryRunIsOff() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(3)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("helix.rebalance.delay", "10m")
        .controllerConfig("plugin.dir", System.getProperty("controller.plugin.dir"))
        .controllerConfig("plugins.audit-log.enabled", "true")
        .controllerConfig("plugins.replication-repair.enabled", "true")
        .controllerConfig("plugins.replication-repair.interval", "1s")
        .controllerConfig("plugins.replication-repair.grace-period", "0s")
        .controllerConfig("plugins.replication-repair.rebalance-interval", "1s")
        .controllerConfig("plugins.replication-repair.cooldown", "5s").build()) {
      HelixAdmin helix = new ZKHelixAdmin(cluster.zooKeeperAddress());
      try {
        repairs(cluster, helix);
      } finally {
        helix.close();
      }
    }
  }

  /** The scenario on the started cluster. */
  private void repairs(LocalCluster cluster, HelixAdmin helix) throws Exception {
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore(STORE, Schemas.KEY, Schemas.USER_V1, PARTITIONS, 2);
    admin.updateStore(STORE, Map.of("pluginSettings", Map.of(DRY_RUN, "true")));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(dir.resolve(STORE + ".jsonl"), lines)).run();
    cluster.awaitVersionOnline(STORE, 1, WAIT);
    String resource = STORE + "_v1";
    for (int p = 0; p < PARTITIONS; p++) {
      cluster.awaitReadyReplicas(resource, p, 2, WAIT);
    }

    VeniceServer lost = cluster.servers().get(0);
    String lostId = lost.instanceId();
    Set<String> remaining = new TreeSet<>();
    cluster.servers().stream().filter(s -> s != lost).forEach(s -> remaining.add(
        s.instanceId()));
    Set<Integer> held = new TreeSet<>();
    serving(helix, cluster, resource).forEach((p, servers) -> {
      if (servers.contains(lostId)) {
        held.add(p);
      }
    });
    assertFalse(held.isEmpty(), "the server to stop holds replicas");
    cluster.stopServer(lost);
    Instant stopped = Instant.now();

    // dry run: reported, "would rebalance", and Helix leaves the partitions short
    JsonNode[] report = {null};
    LocalCluster.waitFor(() -> "a dry-run report of partitions " + held + " 3 s after the"
        + " server stopped; last: " + report[0], WAIT, () -> {
          report[0] = admin.send("GET", REPORT, null);
          JsonNode run = report[0].path("lastRun");
          return run.isObject() && Instant.parse(run.path("time").asText())
              .isAfter(stopped.plusSeconds(3)) && !run.path("stores").isEmpty();
        });
    report[0] = venice(cluster, "show-under-replicated", "--json");
    JsonNode version = report[0].path("lastRun").path("stores").get(0).path("versions").get(0);
    assertEquals("WOULD_REBALANCE", version.path("action").asText(), version.toString());
    assertEquals("would rebalance (dry run)", version.path("detail").asText());
    Set<Integer> reported = new TreeSet<>();
    version.path("partitions").forEach(p -> {
      reported.add(p.path("partition").asInt());
      assertEquals(1, p.path("healthy").asInt(), p.toString());
      assertEquals(2, p.path("expected").asInt(), p.toString());
    });
    assertEquals(held, reported, report[0].toString());
    assertEquals(List.copyOf(remaining), texts(report[0].path("lastRun").path("liveServers")));
    IdealState ideal = helix.getResourceIdealState(cluster.clusterName(), resource);
    Map<Integer, Set<String>> shortView = serving(helix, cluster, resource);
    for (int p : held) {
      assertEquals(1, shortView.get(p).size(), "Helix waits out its 10 min delay: partition "
          + p + " stays short in " + shortView + "; ideal state " + ideal.getRecord()
          .getSimpleFields());
    }
    String text = DistributionCli.venice(cluster.controllerUrl(), "show-under-replicated");
    assertTrue(text.contains(STORE) && text.contains("would rebalance (dry run)")
        && text.contains("(1/2 on "), text);
    assertTrue(DistributionCli.venice(cluster.controllerUrl(), "show-under-replicated",
        "--help").contains("Examples:"));

    // the dry run off: the repair places the missing replicas on the two remaining servers
    admin.updateStore(STORE, Map.of("pluginSettings", Map.of(DRY_RUN, "false")));
    AtomicReference<Map<Integer, Set<String>>> view = new AtomicReference<>(Map.of());
    LocalCluster.waitFor(() -> "every partition served by " + remaining + "; the external view"
        + " is " + view.get() + ", the ideal state " + helix.getResourceIdealState(
            cluster.clusterName(), resource).getRecord().getSimpleFields(), WAIT, () -> {
          view.set(serving(helix, cluster, resource));
          return view.get().size() == PARTITIONS
              && view.get().values().stream().allMatch(remaining::equals);
        });
    LocalCluster.waitFor(() -> "the report and gauge at 0; last report " + report[0], WAIT,
        () -> {
          report[0] = admin.send("GET", REPORT, null);
          return report[0].path("lastRun").path("underReplicatedPartitions").asInt(-1) == 0
              && Scrape.sum(Scrape.metrics(cluster.controllerUrl()),
                  "venice_controller_replication_repair_under_replicated_partitions", STORE)
                  == 0.0;
        });
    assertTrue(Scrape.sum(Scrape.metrics(cluster.controllerUrl()),
        "venice_controller_replication_repair_rebalances_total", STORE) >= 1.0);
    assertTrue(DistributionCli.venice(cluster.controllerUrl(), "show-under-replicated")
        .contains("no under-replicated partitions"));

    // through the admin-mutation path: audited with the plugin as the principal
    List<JsonNode> audited = new ArrayList<>();
    LocalCluster.waitFor(() -> "a REBALANCE audit event of " + STORE + ", got " + audited,
        WAIT, () -> {
          audited.clear();
          venice(cluster, "dump-audit-log", "--store", STORE, "--json").forEach(e -> {
            if (e.path("operation").asText().equals("REBALANCE")) {
              audited.add(e);
            }
          });
          return !audited.isEmpty();
        });
    JsonNode event = audited.get(0);
    assertEquals("plugin:replication-repair", event.path("principal").asText(),
        event.toString());
    assertTrue(event.path("success").asBoolean(), event.toString());
    assertTrue(event.path("requested").asText().contains("\"scope\":\"REPLICAS\""),
        event.toString());
  }

  /** Partition to the live servers holding it as LEADER or STANDBY in the external view. */
  private static Map<Integer, Set<String>> serving(HelixAdmin helix, LocalCluster cluster,
      String resource) {
    Set<String> live = cluster.servers().stream().map(VeniceServer::instanceId)
        .collect(Collectors.toSet());
    ExternalView view = helix.getResourceExternalView(cluster.clusterName(), resource);
    Map<Integer, Set<String>> serving = new TreeMap<>();
    if (view != null) {
      view.getRecord().getMapFields().forEach((partition, states) -> serving.put(
          Integer.parseInt(partition.substring(partition.lastIndexOf('_') + 1)),
          states.entrySet().stream().filter(e -> live.contains(e.getKey())
                  && (e.getValue().equals("LEADER") || e.getValue().equals("STANDBY")))
              .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new))));
    }
    return serving;
  }

  private static JsonNode venice(LocalCluster cluster, String... args) {
    try {
      return JSON.readTree(DistributionCli.venice(cluster.controllerUrl(), args));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
