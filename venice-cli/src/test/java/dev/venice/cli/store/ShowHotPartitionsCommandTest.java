package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.store.StandInController.Run;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-hot-partitions} against a stand-in controller: the evaluation as a table (hot
 * partition first and marked, the server that did not answer named) and as JSON cut to {@code
 * --top}, the refresh asked for, an unknown store and a controller without the plugin refused.
 */
class ShowHotPartitionsCommandTest {
  private static final String EVALUATION = "{\"stores\":[{\"store\":\"users\",\"enabled\":true,"
      + "\"evaluatedAt\":\"2026-12-01T06:40:00Z\",\"version\":2,\"partitionCount\":12,"
      + "\"totalRate\":1120.0,\"meanRate\":93.33,\"skew\":10.82,\"threshold\":10.0,"
      + "\"minTotalRate\":1.0,\"hot\":true,\"hotPartitions\":[5],\"note\":null,\"partitions\":["
      + "{\"partition\":5,\"rate\":1010.0,\"error\":0.0,\"replicas\":2,\"share\":0.9018,"
      + "\"hot\":true},"
      + "{\"partition\":0,\"rate\":10.0,\"error\":0.0,\"replicas\":1,\"share\":0.0089,"
      + "\"hot\":false},"
      + "{\"partition\":1,\"rate\":10.0,\"error\":0.0,\"replicas\":1,\"share\":0.0089,"
      + "\"hot\":false}],"
      + "\"serversAnswered\":[\"s1\"],\"serversNotAnswering\":{\"s2\":\"timed out after 5000"
      + " ms\"}}]}";
  @RegisterExtension final StandInController standIn = new StandInController();
  private final List<String> asked = standIn.asked();

  private static Run run(String... args) {
    return StandInController.run(new ShowHotPartitionsCommand(), args);
  }

  /** A stand-in controller answering {@code bodies} by path and query, 404 otherwise. */
  private String controller(Map<String, String> bodies) throws IOException {
    return standIn.url(bodies);
  }

  @Test
  void printsTheEvaluationWithTheHotPartitionFirstAndTheServerThatDidNotAnswer()
      throws Exception {
    String controller = controller(Map.of("/stores/users", "{\"name\":\"users\"}",
        ShowHotPartitionsCommand.PATH + "?store=users&refresh=true", EVALUATION));
    Run run = run("--store", "users", "--refresh", "--controller", controller);
    assertEquals(0, run.status(), run.err());
    String[] lines = run.out().split("\\R");
    assertTrue(lines[0].startsWith("store users version 2: skew 10.82 (threshold 10.0)"),
        lines[0]);
    assertTrue(lines[0].endsWith("HOT: partition 5"), lines[0]);
    assertTrue(lines[2].matches("\\s+5\\s+1010\\.00\\s+90\\.18%\\s+2\\s+HOT"), lines[2]);
    assertFalse(lines[3].contains("HOT"), lines[3]);
    assertTrue(run.out().contains("not answering: s2 (timed out after 5000 ms)"), run.out());
  }

  @Test
  void jsonKeepsTheTopPartitions() throws Exception {
    String controller = controller(Map.of(ShowHotPartitionsCommand.PATH, EVALUATION));
    Run run = run("--top", "2", "--json", "--controller", controller);
    assertEquals(0, run.status(), run.err());
    JsonNode users = run.json().path("stores").get(0);
    assertEquals(2, users.path("partitions").size());
    assertEquals(5, users.path("hotPartitions").get(0).asInt());
    assertEquals("timed out after 5000 ms", users.path("serversNotAnswering").path("s2")
        .asText());
    assertEquals(List.of(ShowHotPartitionsCommand.PATH), asked, "no store check, no refresh");
  }

  @Test
  void anUnknownStoreIsRefusedInOneLine() throws Exception {
    Run run = run("--store", "nope", "--controller", controller(Map.of()));
    assertNotEquals(0, run.status());
    assertTrue(run.err().contains("store nope does not exist"), run.err());
    assertFalse(asked.stream().anyMatch(p -> p.startsWith("/plugins")), "the plugin not asked");
  }

  @Test
  void aControllerWithoutThePluginIsNamed() throws Exception {
    Run run = run("--store", "users", "--controller", controller(Map.of("/stores/users",
        "{\"name\":\"users\"}")));
    assertNotEquals(0, run.status());
    assertTrue(run.err().contains("the hot-partitions plugin is not running on the controller"),
        run.err());
    Run bad = run("--top", "0", "--controller", "http://127.0.0.1:1");
    assertNotEquals(0, bad.status());
    assertTrue(bad.err().contains("--top 0"), bad.err());
  }

  @Test
  void aStoreNotJudgedForAServerThatDidNotAnswerShowsTheNoteAndTheCountedPartitions()
      throws Exception {
    String partial = EVALUATION.replace("\"partitionCount\":12,",
        "\"partitionCount\":12,\"countedPartitions\":6,").replace("\"hot\":true,\"hotPartitions\":[5],"
        + "\"note\":null", "\"hot\":false,\"hotPartitions\":[],\"note\":\"servers holding replicas of"
        + " partitions [6, 7] did not answer (s2): no partition is judged hot\"")
        .replace("\"hot\":true}", "\"hot\":false}");
    Run run = run("--controller", controller(Map.of(ShowHotPartitionsCommand.PATH, partial)));
    assertEquals(0, run.status(), run.err());
    String[] lines = run.out().split("\\R");
    assertTrue(lines[0].contains("over 12 partitions (mean 93.33/s)")
        && lines[0].contains("(mean over the 6 partitions with a replica on a server that"
        + " answered); no hot partition"), lines[0]);
    assertEquals("  note: servers holding replicas of partitions [6, 7] did not answer (s2): no"
        + " partition is judged hot", lines[1]);
    assertFalse(run.out().contains("HOT"), run.out());
  }

  @Test
  void helpShowsAnExample() {
    Run run = run("--help");
    assertEquals(0, run.status());
    assertTrue(run.out().contains("venice show-hot-partitions --store users --refresh"),
        run.out());
  }
}
