package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.Venice;
import dev.venice.cli.cluster.ShowTopicRetentionCommand;
import dev.venice.cli.store.StandInController.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-topic-retention} (in {@code dev.venice.cli.cluster}; tested here beside the
 * shared stand-in controller) against stand-ins serving the topic-retention plugin's report: the
 * report is asked of the leader that {@code GET /cluster} names, the stale topics and mismatches
 * shown in text and JSON; without a leader the given controller's (standby) report; a controller
 * without the plugin refused in one line.
 */
class ShowTopicRetentionCommandTest {
  private static final String PATH = "/plugins/topic-retention/report";
  private static final String REPORT = """
      {"instance":"h_7001","leader":true,"leaderInstance":"h_7001","interval":"1h",
       "lastRun":{"at":"2026-12-02T04:00:00Z","leader":true,"dryRun":false,"durationMs":40,
         "topicsSeen":4,
         "stale":[{"topic":"ghost_v3","store":"ghost","reason":"store-unknown",
                   "detail":"no store ghost","since":"2026-12-02T03:40:00Z"}],
         "pending":[{"topic":"users_v1","store":"users","reason":"version-retired",
                     "detail":"d","since":"2026-12-02T03:59:00Z"}],
         "mismatches":[{"topic":"users_v4","store":"users","currentMs":604800000,
                        "policyMs":432000000,"dryRun":false,"state":"fixed","reason":null},
                       {"topic":"trial_v1","store":"trial","currentMs":-1,
                        "policyMs":432000000,"dryRun":true,"state":"would-set","reason":null},
                       {"topic":"a_v2","store":"a","currentMs":1,"policyMs":432000000,
                        "dryRun":false,"state":"failed","reason":"store a: Kafka refused"}],
         "alters":3,"stopped":null,"error":null}}
      """;

  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new ShowTopicRetentionCommand(), args);
  }

  /** A controller whose {@code /cluster} names {@code leaderUrl} (null: no leader elected). */
  private String controller(String leaderUrl, Map<String, String> more) throws Exception {
    Map<String, String> bodies = new HashMap<>(more);
    bodies.put("/cluster", leaderUrl == null ? "{\"leader\":null}"
        : "{\"leader\":\"" + leaderUrl + "\"}");
    return standIn.url(bodies);
  }

  @Test
  void showsTheLeadersStaleTopicsAndMismatchesAsTablesAndJson() throws Exception {
    String controller = controller(standIn.url(Map.of(PATH, REPORT)), Map.of());
    Run text = run("--controller", controller);
    assertEquals(0, text.status(), text.err());
    assertEquals(List.of("/cluster", PATH), standIn.asked());
    String out = text.out();
    assertTrue(out.contains("controller h_7001 (leader)"), out);
    assertTrue(out.contains("4 Venice topics, 3 changes asked"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("ghost_v3") && l.contains("store-unknown")
        && l.contains("2026-12-02T03:40:00Z") && l.endsWith("no store ghost")), out);
    assertTrue(out.contains("(1 more within the grace period)"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("users_v4") && l.contains("7.00d")
        && l.contains("5.00d") && l.contains("fixed")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("trial_v1") && l.contains("forever")
        && l.contains("would set")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("a_v2") && l.contains("failed")
        && l.endsWith("store a: Kafka refused")), out);

    Run json = run("--json", "--controller", controller);
    assertEquals(0, json.status(), json.err());
    JsonNode parsed = json.json();
    assertEquals("ghost_v3", parsed.path("lastRun").path("stale").get(0).path("topic").asText());
  }

  @Test
  void withoutALeaderTheStandbysReportAndAControllerWithoutThePluginAreToldApart()
      throws Exception {
    Run standby = run("--controller", controller(null, Map.of(PATH, """
        {"instance":"h_7002","leader":false,"leaderInstance":"h_7001","interval":"1h",
         "lastRun":{"at":"2026-12-02T04:00:00Z","leader":false,"dryRun":false,"durationMs":0,
           "topicsSeen":0,"stale":[],"pending":[],"mismatches":[],"alters":0,"stopped":null,
           "error":null}}
        """)));
    assertEquals(0, standby.status(), standby.err());
    assertTrue(standby.out().contains("leader: h_7001") && standby.out().contains("standby and"
        + " did nothing"), standby.out());

    StringWriter err = new StringWriter();
    int status = Venice.run(new String[] {"show-topic-retention", "--controller",
        controller(null, Map.of())}, new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));
    assertEquals(1, status, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("venice show-topic-retention: the topic-retention"
        + " plugin is not running on the controller at http://127.0.0.1:"), err.toString());
  }
}
