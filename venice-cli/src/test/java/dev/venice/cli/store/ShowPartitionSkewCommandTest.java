package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.store.StandInController.Run;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-partition-skew} against a stand-in controller serving the store and the
 * partition-skew plugin's {@code skew} and {@code warnings} answers: the summary and the rows in
 * text and JSON, a server not answering named, an unknown store, a store with no version and a
 * controller without the plugin refused in one line.
 */
class ShowPartitionSkewCommandTest {
  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new ShowPartitionSkewCommand(), args);
  }

  private String serve(Map<String, String> bodies) throws IOException {
    return standIn.url(bodies);
  }

  private static String store(int currentVersion) {
    return store("users", currentVersion);
  }

  private static String store(String name, int currentVersion) {
    return "{\"name\":\"" + name + "\",\"keySchema\":\"\\\"string\\\"\",\"partitionCount\":2,"
        + "\"replicationFactor\":2,\"compressionStrategy\":\"NO_OP\",\"currentVersion\":"
        + currentVersion + ",\"versions\":[],\"pluginSettings\":{}}";
  }

  private static final String REPORT = """
      {"store":"users","version":3,"atMillis":1,"replicaRule":"leader",
       "records":{"partitions":2,"min":100,"max":900,"mean":500.0,"stddev":400.0,"p99":900,
                  "cv":0.8},
       "bytes":{"partitions":2,"min":1000,"max":9000,"mean":5000.0,"stddev":4000.0,"p99":9000,
                "cv":0.8},
       "partitions":[
         {"partition":0,"records":900,"bytes":9000,"replica":"a_1","reason":"leader",
          "replicasAnswered":2},
         {"partition":1,"records":100,"bytes":1000,"replica":"b_2","reason":"most-records",
          "replicasAnswered":1}],
       "missingPartitions":[],"serversAnswered":["a_1","b_2"],
       "serversNotAnswering":[{"instance":"c_3","reason":"timed out after 5000 ms"}]}
      """;

  private static final String WARNINGS = """
      {"warnings":[{"store":"users","version":3,"result":"warned","cv":0.8,"threshold":0.5,
        "largestPartition":{"partition":0,"records":900,"replica":"a_1"}}]}
      """;

  @Test
  void showsTheSummaryTheRowsTheirReplicasAndTheLastWarning() throws Exception {
    String controller = serve(Map.of("/stores/users", store(3),
        "/plugins/partition-skew/skew?store=users&version=3", REPORT,
        "/plugins/partition-skew/warnings?store=users", WARNINGS));
    Run text = run("--store", "users", "--controller", controller);
    assertEquals(0, text.status(), text.err());
    String out = text.out();
    assertTrue(out.contains("store users version 3: 2 partition(s) measured, 2 server(s)"
        + " answered"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("records") && l.contains("100")
        && l.contains("900") && l.contains("500.0") && l.contains("400.0")
        && l.endsWith("0.800")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("bytes") && l.contains("9000")), out);
    assertTrue(out.contains("a_1 (leader, 2 replica(s) answered)"), out);
    assertTrue(out.contains("b_2 (most-records, 1 replica(s) answered)"), out);
    assertTrue(out.contains("not answering: c_3 (timed out after 5000 ms)"), out);
    assertTrue(out.contains("last end-of-push warning: version 3, CV 0.800 above 0.5, largest"
        + " partition 0 (900 records)"), out);

    Run json = run("--store", "users", "--controller", controller, "--json");
    assertEquals(0, json.status(), json.err());
    JsonNode body = json.json();
    assertEquals(0.8, body.path("records").path("cv").asDouble(), 1e-9);
    assertEquals(900, body.path("records").path("p99").asLong());
    assertEquals("a_1", body.path("partitions").get(0).path("replica").asText());
    assertEquals("c_3", body.path("serversNotAnswering").get(0).path("instance").asText());
    assertEquals(3, body.path("lastWarning").path("version").asInt());
  }

  @Test
  void aVersionAndRefreshArePassedOn() throws Exception {
    String controller = serve(Map.of("/stores/users", store(3),
        "/plugins/partition-skew/skew?store=users&version=2&refresh=true",
        REPORT.replace("\"version\":3", "\"version\":2"),
        "/plugins/partition-skew/warnings?store=users", "{\"warnings\":[]}"));
    Run run = run("--store", "users", "--store-version", "2", "--refresh", "--controller", controller);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("version 2") && run.out().contains("no end-of-push skew"
        + " warning"), run.out());
  }

  @Test
  void theStoreNameIsUrlEncodedInThePluginsQueries() throws Exception {
    String controller = serve(Map.of("/stores/a%26b", store("a&b", 3),
        "/plugins/partition-skew/skew?store=a%26b&version=3", REPORT,
        "/plugins/partition-skew/warnings?store=a%26b", WARNINGS));
    Run run = run("--store", "a&b", "--controller", controller, "--json");
    assertEquals(0, run.status(), run.err() + " asked " + standIn.asked());
    assertEquals(3, run.json().path("lastWarning").path("version").asInt(), standIn.asked()
        .toString());
  }

  @Test
  void anUnknownStoreExitsNonZeroInOneLine() throws Exception {
    String controller = serve(Map.of());
    Run run = run("--store", "nope", "--controller", controller);
    assertNotEquals(0, run.status());
    assertTrue(run.err().contains("store nope does not exist"), run.err());
  }

  @Test
  void aStoreWithNoVersionOrAControllerWithoutThePluginExitNonZero() throws Exception {
    Run empty = run("--store", "users", "--controller", serve(Map.of("/stores/users",
        store(0))));
    assertNotEquals(0, empty.status());
    assertTrue(empty.err().contains("store users has no current version"), empty.err());
    Run noPlugin = run("--store", "users", "--controller", serve(Map.of("/stores/users",
        store(3))));
    assertNotEquals(0, noPlugin.status());
    assertTrue(noPlugin.err().contains("the partition-skew plugin is not running"),
        noPlugin.err());
  }

  @Test
  void helpShowsAnExample() {
    Run run = run("--help");
    assertEquals(0, run.status());
    assertTrue(run.out().contains("venice show-partition-skew --store users"), run.out());
    assertTrue(run.out().contains("--json"), run.out());
  }
}
