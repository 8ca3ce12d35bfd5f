package dev.venice.it.plugins.leadershiphistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leadership-history plugin, loaded from the plugin directory its module builds and switched
 * on by configuration only, on a local cluster of two controllers: the leader is stopped, and
 * {@code venice show-controller-history --json} (asked of the other controller) shows the first
 * controller's gain and loss, then the second's gain, in ZooKeeper's order with a later term id;
 * the new leader's metrics count its gain.
 */
class LeadershipHistoryPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void stoppingTheLeaderRecordsItsLossThenTheSuccessorsGainInOrder() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."),
        "venice-controller-plugins", "leadership-history", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("leadership-history")),
        pluginDir + " not built: mvn -pl venice-controller-plugins/leadership-history install");
    try (LocalCluster cluster = LocalCluster.builder().controllers(2).servers(0).routers(0)
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.leadership-history.enabled", "true").build()) {
      for (VeniceController controller : cluster.controllers()) {
        PluginInfo plugin = controller.plugins().plugins().stream()
            .filter(p -> p.id().equals("leadership-history")).findFirst().orElseThrow();
        assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      }
      VeniceController first = cluster.leader(WAIT);
      VeniceController second = cluster.controllers().stream().filter(c -> c != first)
          .findFirst().orElseThrow();
      LocalCluster.waitFor("the first leader's gain recorded", WAIT,
          () -> events(second.url()).size() == 1);

      cluster.stopController(first);
      List<JsonNode> events = new ArrayList<>();
      LocalCluster.waitFor(() -> "three events recorded, got " + events, WAIT, () -> {
        events.clear();
        events(second.url()).forEach(events::add);
        return events.size() == 3;
      });
      // newest first
      assertEquals(List.of("ACQUIRED " + second.instanceId(), "LOST " + first.instanceId(),
          "ACQUIRED " + first.instanceId()), events.stream().map(e -> e.path("type").asText()
              + " " + e.path("instanceId").asText()).toList());
      assertEquals(events.get(1).path("termZxid").asLong(),
          events.get(2).path("termZxid").asLong(), "a loss names the term it ends");
      assertTrue(events.get(0).path("termZxid").asLong()
          > events.get(2).path("termZxid").asLong(), "ZooKeeper orders the terms: " + events);
      assertTrue(events.get(1).path("durationMs").asLong() >= 0, events.get(1).toString());
      assertFalse(events.get(1).path("inferred").asBoolean(),
          "a stopping leader records its own loss: " + events.get(1));

      JsonNode shown = JSON.readTree(DistributionCli.venice(second.url(),
          "show-controller-history", "--json"));
      assertEquals(second.instanceId(), shown.path("leader").asText(), shown.toString());
      assertEquals(3, shown.path("events").size(), shown.toString());
      String table = DistributionCli.venice(second.url(), "show-controller-history");
      assertTrue(table.contains("LOST") && table.contains(first.instanceId()), table);
      assertTrue(DistributionCli.venice(second.url(), "show-controller-history", "--help")
          .contains("Examples:"));
      String metrics = Scrape.metrics(second.url());
      assertTrue(metrics.lines().anyMatch(line -> line.startsWith(
          "venice_controller_leadership_history_acquired_total") && line.endsWith(" 1.0")),
          metrics);
    }
  }

  private static JsonNode events(String controllerUrl) {
    try {
      return JSON.readTree(DistributionCli.venice(controllerUrl, "show-controller-history",
          "--json")).path("events");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
