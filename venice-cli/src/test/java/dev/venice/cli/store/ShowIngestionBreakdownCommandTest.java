package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.venice.cli.store.StandInController.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-ingestion-breakdown} against stand-ins for a controller ({@code /cluster} and
 * the store) and for servers' breakdown endpoints: stages merged over servers (counts add, means
 * weighted, p99 the largest), sorted by contribution per applied record with CONSUME after them
 * and WRITE_COMPUTE "not used" last, a server that does not answer named, an unknown store
 * refused with exit status 1 (the
 * one-line message is the launcher's, checked by the integration test).
 */
class ShowIngestionBreakdownCommandTest {
  private static final String PATH = "/plugins/ingestion-stage-metrics/breakdown?store=users";
  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new ShowIngestionBreakdownCommand(), args);
  }

  private static String stage(String name, long count, double mean, double p50, double p99) {
    return "{\"stage\":\"" + name + "\",\"used\":true,\"count\":" + count + ",\"meanNanos\":"
        + mean + ",\"p50Nanos\":" + p50 + ",\"p99Nanos\":" + p99 + ",\"maxNanos\":" + p99
        + ",\"recordsPerSecond\":" + count / 30.0 + ",\"spanSeconds\":30.0,\"totalCount\":"
        + count + ",\"totalNanos\":" + (long) (mean * count) + "}";
  }

  private static String breakdown(String instance, String... stages) {
    return "{\"instance\":\"" + instance + "\",\"windowSeconds\":30.0,\"stores\":[{\"store\":"
        + "\"users\",\"stages\":[" + String.join(",", stages) + ",{\"stage\":\"WRITE_COMPUTE\","
        + "\"used\":false,\"note\":\"not used: this server has no write compute\",\"count\":0}"
        + "]}]}";
  }

  private String controller(List<String[]> members) throws IOException {
    List<String> json = new ArrayList<>();
    for (String[] m : members) {
      json.add("{\"kind\":\"server\",\"instanceId\":\"" + m[0] + "\",\"adminUrl\":\"" + m[1]
          + "\"}");
    }
    return StandInController.url(standIn.serve(Map.of("/cluster", "{\"members\":["
        + String.join(",", json) + "]}", "/stores/users", "{\"name\":\"users\",\"keySchema\":"
        + "\"\\\"string\\\"\",\"partitionCount\":2,\"replicationFactor\":2,"
        + "\"compressionStrategy\":\"NO_OP\",\"currentVersion\":1,\"versions\":[],"
        + "\"pluginSettings\":{}}")));
  }

  @Test
  void mergesServersSortsByContributionAndNamesTheServerThatDidNotAnswer() throws Exception {
    // s1 leads: 100 real-time records; both apply 1000 records each
    HttpServer s1 = standIn.serve(Map.of(PATH, breakdown("s1",
        stage("CONSUME", 1000, 9e6, 9e6, 2e7), stage("DECODE", 1100, 2000, 1800, 5000),
        stage("HOOKS", 1000, 100, 90, 300), stage("APPLY", 1000, 10_000, 9000, 40_000),
        stage("SCHEMA_VALIDATION", 100, 3000, 2900, 6000),
        stage("LEADER_PRODUCE", 100, 500_000, 400_000, 2e6))));
    HttpServer s2 = standIn.serve(Map.of(PATH, breakdown("s2",
        stage("DECODE", 1000, 4000, 3800, 9000), stage("HOOKS", 1000, 100, 90, 200),
        stage("APPLY", 1000, 20_000, 19_000, 30_000))));
    HttpServer gone = standIn.serve(Map.of());
    String deadUrl = StandInController.url(gone);
    gone.stop(0);
    String controller = controller(List.of(new String[] {"s1", StandInController.url(s1)},
        new String[] {"s2", StandInController.url(s2)}, new String[] {"s3", deadUrl}));

    Run run = run("--store", "users", "--controller", controller, "--json", "--timeout", "2s");
    assertEquals(0, run.status(), run.err());
    JsonNode json = run.json();
    assertEquals("window", json.path("basis").asText());
    assertEquals(2000, json.path("appliedRecords").asLong());
    assertEquals("s3", json.path("serversNotAnswering").get(0).path("instance").asText());
    List<String> order = new ArrayList<>();
    json.path("stages").forEach(s -> order.add(s.path("stage").asText()));
    // contributions per applied record: LEADER_PRODUCE 100*500us/2000 = 25 us, APPLY 15 us,
    // DECODE (1100*2000 + 1000*4000)/2000 = 3.1 us, SCHEMA_VALIDATION 0.15 us, HOOKS 0.1 us
    assertEquals(List.of("LEADER_PRODUCE", "APPLY", "DECODE", "SCHEMA_VALIDATION", "HOOKS",
        "CONSUME", "WRITE_COMPUTE"), order);
    JsonNode apply = json.path("stages").get(1);
    assertEquals(2000, apply.path("count").asLong());
    assertEquals(15_000, apply.path("meanNanos").asDouble(), 1e-6);
    assertEquals(15_000, apply.path("contributionNanos").asDouble(), 1e-6);
    assertEquals(14_000, apply.path("p50Nanos").asDouble(), 1e-6, "count-weighted p50s");
    assertEquals(40_000, apply.path("p99Nanos").asDouble(), 1e-6, "the largest p99");
    assertEquals(List.of("s1", "s2"), List.of(apply.path("servers").get(0).asText(),
        apply.path("servers").get(1).asText()));
    JsonNode produce = json.path("stages").get(0);
    assertEquals(25_000, produce.path("contributionNanos").asDouble(), 1e-6);
    assertEquals(0.05, produce.path("share").asDouble(), 1e-9);
    assertTrue(json.path("stages").get(5).path("contributionNanos").isNull(),
        "CONSUME is a wait, not sorted by contribution");
    JsonNode wc = json.path("stages").get(6);
    assertEquals(false, wc.path("used").asBoolean());
    assertTrue(wc.path("note").asText().startsWith("not used"), wc.toString());

    Run text = run("--store", "users", "--controller", controller);
    assertEquals(0, text.status(), text.err());
    String out = text.out();
    assertTrue(out.indexOf("LEADER_PRODUCE") < out.indexOf("APPLY")
        && out.indexOf("APPLY") < out.indexOf("HOOKS")
        && out.contains("WRITE_COMPUTE      not used") && out.contains("25.0 us")
        && out.contains("not answering: s3"), out);
  }

  @Test
  void aStoreThatDoesNotExistExitsOneNamingIt() throws Exception {
    String controller = StandInController.url(standIn.serve(Map.of("/cluster",
        "{\"members\":[]}")));
    Run run = run("--store", "nope", "--controller", controller);
    assertEquals(1, run.status());
    assertTrue(run.err().contains("store nope does not exist"), run.err());
  }

  @Test
  void helpShowsAnExample() {
    Run run = run("--help");
    assertEquals(0, run.status());
    assertTrue(run.out().contains("venice show-ingestion-breakdown --store users"), run.out());
  }
}
