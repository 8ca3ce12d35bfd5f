package dev.venice.it.plugins.topicretention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic-retention plugin, loaded from the distribution's plugin directory with the audit-log
 * plugin and switched on by configuration only (interval 1s, grace period 2s), on a local cluster
 * of one server: stores {@code web-users_v2-eu} (batch) and {@code a_rt} (hybrid, so its
 * real-time topic is {@code a_rt_rt}) pushed once each; an independent Kafka admin client sees
 * their topics' {@code retention.ms} become the policy (5 days, 432000000) from the broker's
 * default (7 days); {@code venice dump-audit-log --json} shows the change as {@code
 * UPDATE_TOPIC_CONFIG} by {@code plugin:topic-retention}; a topic {@code ghost_v3} created by the
 * test (a Venice name, no store) is reported stale by {@code venice show-topic-retention --json}
 * and still exists; a store in dry run keeps its retention and is reported {@code would-set}.
 */
class TopicRetentionPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String POLICY_MS = String.valueOf(Duration.ofDays(5).toMillis());
  private static final String BATCH = "web-users_v2-eu";
  private static final String HYBRID = "a_rt";
  private static final String TRIAL = "trial";
  private static final String GHOST = "ghost_v3";

  @TempDir Path dir;

  @Test
  void retentionIsSetThroughTheAuditedAdminPathAndStaleTopicsAreReportedNotDeleted()
      throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(0)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", System.getProperty("controller.plugin.dir"))
        .controllerConfig("plugins.audit-log.enabled", "true")
        .controllerConfig("plugins.topic-retention.enabled", "true")
        .controllerConfig("plugins.topic-retention.interval", "1s")
        .controllerConfig("plugins.topic-retention.stale-grace-period", "2s")
        .controllerConfig("plugins.topic-retention.alter-interval", "100ms").build();
         Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
             cluster.kafkaBootstrapServers()))) {
      VeniceController controller = cluster.leader(WAIT);
      PluginInfo plugin = controller.plugins().plugins().stream()
          .filter(p -> p.id().equals("topic-retention")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());

      ControllerClient admin = new ControllerClient(controller.url());
      admin.createStore(store(BATCH, Map.of()));
      Map<String, Object> hybrid = new HashMap<>(store(HYBRID, Map.of()));
      hybrid.put("hybrid", Map.of("rewindSeconds", 60, "offsetLagThreshold", 10));
      admin.createStore(hybrid);
      admin.createStore(store(TRIAL, Map.of("plugins.topic-retention.dry-run", "true")));
      for (String store : List.of(BATCH, HYBRID, TRIAL)) {
        PushJob.create(controller.url(), store, Files.write(dir.resolve(store + ".jsonl"),
            List.of("{\"key\": \"k0\", \"value\": {\"name\": \"n\", \"age\": 0}}"))).run();
        cluster.awaitVersionOnline(store, 1, WAIT);
      }
      kafka.createTopics(List.of(new NewTopic(GHOST, 1, (short) 1))).all()
          .get(30, TimeUnit.SECONDS);

      // an independent client sees the policy set on the version and real-time topics
      List<String> fixed = List.of(BATCH + "_v1", HYBRID + "_v1", HYBRID + "_rt");
      Map<String, String> now = new HashMap<>();
      LocalCluster.waitFor(() -> "retention.ms " + POLICY_MS + " on " + fixed + "; now " + now,
          WAIT, () -> {
            now.clear();
            now.putAll(retention(kafka, fixed));
            return fixed.stream().allMatch(t -> POLICY_MS.equals(now.get(t)));
          });

      // the report: ghost_v3 stale (after the grace period), the dry-run store would be set
      JsonNode[] report = new JsonNode[1];
      LocalCluster.waitFor(() -> "ghost_v3 stale and trial_v1 would-set in " + report[0], WAIT,
          () -> {
            report[0] = venice(controller.url(), "show-topic-retention", "--json");
            JsonNode run = report[0].path("lastRun");
            return rows(run.path("stale")).contains(GHOST + " store-unknown")
                && rows(run.path("mismatches")).contains(TRIAL + "_v1 would-set");
          });
      JsonNode run = report[0].path("lastRun");
      assertTrue(report[0].path("leader").asBoolean() && run.path("leader").asBoolean(),
          report[0].toString());
      assertEquals(5, run.path("topicsSeen").asInt(), "three version topics, a_rt_rt and"
          + " ghost_v3 (the audit topic and Kafka's own are not Venice topics): " + run);
      assertTrue(kafka.listTopics().names().get(30, TimeUnit.SECONDS).contains(GHOST),
          "a stale topic is never deleted");
      String brokerDefault = String.valueOf(Duration.ofDays(7).toMillis());
      assertEquals(brokerDefault, retention(kafka, List.of(TRIAL + "_v1")).get(TRIAL + "_v1"),
          "a store in dry run keeps its retention (the broker's default)");
      assertEquals(brokerDefault, retention(kafka, List.of(GHOST)).get(GHOST),
          "a stale topic's retention is never changed");

      // the change went through the admin-mutation path: audited with the plugin as principal
      List<JsonNode> audited = new ArrayList<>();
      LocalCluster.waitFor("an UPDATE_TOPIC_CONFIG audit event for " + BATCH, WAIT, () -> {
        audited.clear();
        venice(controller.url(), "dump-audit-log", "--store", BATCH, "--json").forEach(e -> {
          if (e.path("operation").asText().equals("UPDATE_TOPIC_CONFIG")) {
            audited.add(e);
          }
        });
        return !audited.isEmpty();
      });
      JsonNode event = audited.get(0);
      assertEquals("plugin:topic-retention", event.path("principal").asText(), event.toString());
      assertTrue(event.path("success").asBoolean(), event.toString());
      assertTrue(event.path("requested").asText().contains(POLICY_MS), event.toString());

      String table = DistributionCli.venice(controller.url(), "show-topic-retention");
      assertTrue(table.contains(GHOST) && table.contains("would set"), table);
      assertTrue(DistributionCli.venice(controller.url(), "show-topic-retention", "--help")
          .contains("Examples:"));
      assertTrue(Scrape.metrics(controller.url()).lines().anyMatch(line -> line.startsWith(
          "venice_controller_topic_retention_retention_fixes_total") && !line.endsWith(" 0.0")));
    }
  }

  private static Map<String, Object> store(String name, Map<String, String> settings) {
    return Map.of("name", name, "keySchema", Schemas.KEY, "valueSchema", Schemas.USER_V1,
        "partitionCount", 1, "replicationFactor", 1, "pluginSettings", settings);
  }

  /** Each topic's {@code retention.ms}, as Kafka describes it. */
  private static Map<String, String> retention(Admin kafka, List<String> topics) {
    Map<String, String> values = new HashMap<>();
    try {
      kafka.describeConfigs(topics.stream().map(t -> new ConfigResource(
          ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS)
          .forEach((resource, config) -> values.put(resource.name(),
              config.get("retention.ms").value()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe " + topics, e);
    }
    return values;
  }

  /** "topic reason" or "topic state" of each row. */
  private static List<String> rows(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.path("topic").asText() + " "
        + r.path(r.has("reason") && r.has("detail") ? "reason" : "state").asText()));
    return out;
  }

  /** Runs the CLI and parses its JSON. */
  private static JsonNode venice(String url, String... args) {
    try {
      return JSON.readTree(DistributionCli.venice(url, args));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
