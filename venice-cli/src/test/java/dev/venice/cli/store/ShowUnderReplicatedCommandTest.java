package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.Venice;
import dev.venice.cli.store.StandInController.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-under-replicated} against stand-in controllers: the report is asked of the
 * leader that {@code GET /cluster} names (of the given controller when none is), printed per store
 * and version with the partitions and the action, or as the answer's JSON; a report before the
 * first run and a healthy one say so; a controller without the plugin is refused in one line.
 */
class ShowUnderReplicatedCommandTest {
  private static final String PATH = "/plugins/replication-repair/report";
  private static final String REPORT = "{\"controller\":\"c1\",\"leader\":\"c1\",\"leading\":true,"
      + "\"lastRun\":{\"time\":\"2026-12-02T04:40:00Z\",\"controller\":\"c1\","
      + "\"liveServers\":[\"s1\",\"s2\"],\"storesChecked\":3,\"underReplicatedPartitions\":3,"
      + "\"stores\":[{\"store\":\"users\",\"underReplicatedPartitions\":3,\"versions\":["
      + "{\"version\":4,\"replicationFactor\":2,\"partitions\":["
      + "{\"partition\":0,\"healthy\":1,\"expected\":2,\"servers\":[\"s1\"]},"
      + "{\"partition\":5,\"healthy\":0,\"expected\":2,\"servers\":[]}],"
      + "\"action\":\"WOULD_REBALANCE\",\"reason\":null,\"detail\":\"would rebalance (dry run)\"},"
      + "{\"version\":3,\"replicationFactor\":2,\"partitions\":["
      + "{\"partition\":1,\"healthy\":1,\"expected\":2,\"servers\":[\"s2\"]}],"
      + "\"action\":\"DEFERRED\",\"reason\":\"RATE_LIMIT\","
      + "\"detail\":\"deferred (rate limit): another rebalance ran less than rebalance-interval"
      + " ago\"}]}]}}";
  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new ShowUnderReplicatedCommand(), args);
  }

  /** A standby whose {@code /cluster} names {@code leaderUrl} (null: no leader elected). */
  private String standby(String leaderUrl) throws Exception {
    return standIn.url(Map.of("/cluster", leaderUrl == null ? "{\"leader\":null}"
        : "{\"leader\":\"" + leaderUrl + "\"}"));
  }

  @Test
  void asksTheLeaderAndPrintsEachVersionWithItsPartitionsAndAction() throws Exception {
    String leader = standIn.url(Map.of(PATH, REPORT));
    Run run = run("--controller", standby(leader));
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("/cluster", PATH), standIn.asked());
    String[] lines = run.out().split("\\R");
    assertEquals("last run 2026-12-02T04:40:00Z by c1 (leader now: c1): 3 stores checked,"
        + " 2 live servers", lines[0]);
    assertEquals("3 under-replicated partitions", lines[1]);
    assertTrue(lines[4].matches("users\\s+4\\s+0 \\(1/2 on s1\\), 5 \\(0/2, no replica\\)"),
        lines[4]);
    assertTrue(lines[5].matches("\\s+-> would rebalance \\(dry run\\)"), lines[5]);
    assertTrue(lines[6].matches("users\\s+3\\s+1 \\(1/2 on s2\\)"), lines[6]);
    assertTrue(lines[7].contains("-> deferred (rate limit)"), lines[7]);
  }

  @Test
  void jsonIsTheReportAsAnswered() throws Exception {
    String leader = standIn.url(Map.of(PATH, REPORT));
    Run run = run("--json", "--controller", standby(leader));
    assertEquals(0, run.status(), run.err());
    assertEquals("WOULD_REBALANCE", run.json().path("lastRun").path("stores").get(0)
        .path("versions").get(0).path("action").asText());
  }

  @Test
  void withoutALeaderTheGivenControllerIsAsked() throws Exception {
    String only = standIn.url(Map.of("/cluster", "{\"leader\":null}",
        PATH, "{\"controller\":\"c1\",\"leader\":null,"
            + "\"leading\":false,\"lastRun\":null}"));
    Run run = run("--controller", only);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("no run of the replication repair task yet on controller c1"
        + " (leader now: none)"), run.out());
  }

  @Test
  void aHealthyClusterSaysSo() throws Exception {
    String leader = standIn.url(Map.of(PATH, "{\"controller\":\"c1\","
        + "\"leader\":\"c1\",\"leading\":true,\"lastRun\":{\"time\":\"2026-12-02T04:40:00Z\","
        + "\"controller\":\"c1\",\"liveServers\":[\"s1\"],\"storesChecked\":2,"
        + "\"underReplicatedPartitions\":0,\"stores\":[]}}"));
    Run run = run("--controller", standby(leader));
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().endsWith("no under-replicated partitions"), run.out());
  }

  @Test
  void aControllerWithoutThePluginIsRefusedInOneLine() throws Exception {
    String leader = standIn.url(Map.of());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(new String[] {"show-under-replicated", "--controller",
        standby(leader)}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(1, status, out.toString());
    assertEquals(List.of("venice show-under-replicated: the replication-repair plugin is not"
        + " running on the controller at " + leader + " (GET " + PATH
        + " answered 404); enable it with plugins.replication-repair.enabled=true on every"
        + " controller"), err.toString().lines().toList());
  }
}
