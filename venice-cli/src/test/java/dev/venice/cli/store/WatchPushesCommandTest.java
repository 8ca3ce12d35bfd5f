package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.store.StandInController.Run;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.common.meta.PushSummary;
import dev.venice.runtime.common.meta.VersionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice watch-pushes} against a stand-in controller (the live, redrawn table is tried in a
 * real terminal by {@code it/.../WatchPushesTerminalTest}): the table's rows and ETA column, plain
 * output when not on a terminal, JSON lines, {@code --until-idle}, and one-line refusals.
 */
class WatchPushesCommandTest {
  private static final String ONLINE = "{\"cluster\":\"venice\",\"pushes\":[{\"store\":\"users\","
      + "\"version\":3,\"status\":\"ONLINE\",\"startedAtMs\":1764650000000,\"partitionCount\":4,"
      + "\"completedPartitions\":4,\"progressPercent\":100.0,\"progress\":null}]}";
  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new WatchPushesCommand(), args);
  }

  private static PushSummary writing(PushProgressReport progress) {
    return new PushSummary("users", 4, VersionStatus.STARTED, 1764650000000L, 8, 2, 25.0,
        progress);
  }

  @Test
  void aRowShowsProgressWrittenEtaWithItsRangeAndRate() {
    String row = WatchPushesCommand.row(writing(new PushProgressReport("WRITING", "RUNNING",
        30_000, 50_000, 5_012.4, 4.0, 3.2, 4.8, 1764650001000L)));
    assertTrue(row.matches("users\\s+4  \\d\\d:\\d\\d:\\d\\d   25\\.0% \\(2/8\\)\\s+60\\.0%\\s+"
        + "~4s \\(3s-5s\\)\\s+WRITING 5,012 rec/s"), row);
  }

  @Test
  void noEtaWhileWarmingUpStalledOrNotReporting() {
    for (String state : List.of("WARMING_UP", "STALLED", "NOT_REPORTING")) {
      PushSummary push = writing(new PushProgressReport("WRITING", state, 10, 50_000, 0, null,
          null, null, 1L));
      assertEquals("-", WatchPushesCommand.eta(push), state);
    }
    String stalled = WatchPushesCommand.row(writing(new PushProgressReport("WRITING", "STALLED",
        10, 50_000, 0, null, null, null, 1L)));
    assertTrue(stalled.endsWith("STALLED (no record written lately)"), stalled);
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    assertEquals("45s", WatchPushesCommand.duration(44.6));
    assertEquals("3m05s", WatchPushesCommand.duration(185));
    assertEquals("1h02m", WatchPushesCommand.duration(3_725));
  }

  @Test
  void aFrameHasTheTitleTheHeaderAndOneRowPerPush() {
    List<String> frame = WatchPushesCommand.frame("http://c1", Instant.EPOCH,
        List.of(writing(null)), "connection refused");
    assertTrue(frame.get(0).startsWith("venice watch-pushes  http://c1  "), frame.get(0));
    assertEquals("controller unreachable, retrying: connection refused", frame.get(1));
    assertEquals(WatchPushesCommand.header(), frame.get(3));
    assertTrue(frame.get(4).endsWith("STARTED"), frame.get(4));
    assertEquals(List.of("no push in progress or started in the last 10 minutes"),
        WatchPushesCommand.frame("http://c1", Instant.EPOCH, List.of(), null).subList(2, 3));
  }

  @Test
  void notOnATerminalItScrollsAndUntilIdleStopsWhenNothingIsInProgress() throws Exception {
    String url = standIn.url(Map.of("/cluster", "{\"leader\":null}", "/pushes", ONLINE));
    Run run = run("--until-idle", "--controller", url);
    assertEquals(0, run.status(), run.err());
    String[] lines = run.out().split("\\R");
    assertTrue(lines[0].startsWith("TIME      STORE"), lines[0]);
    assertTrue(lines[1].matches("\\d\\d:\\d\\d:\\d\\d  users\\s+3 .*100\\.0% \\(4/4\\).*ONLINE"),
        lines[1]);
    assertEquals(List.of("/cluster", "/pushes"), standIn.asked());
  }

  @Test
  void jsonIsOneLinePerRefresh() throws Exception {
    String url = standIn.url(Map.of("/cluster", "{\"leader\":null}",
        "/pushes?store=users", ONLINE));
    Run run = run("--json", "--until-idle", "--store", "users", "--controller", url);
    assertEquals(0, run.status(), run.err());
    assertEquals(1, run.out().lines().count(), run.out());
    assertEquals("ONLINE", run.json().path("pushes").get(0).path("status").asText());
  }

  @Test
  void aTooShortIntervalIsAUsageError() {
    Run run = run("--interval", "0.01", "--controller", "http://127.0.0.1:1");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--interval must be at least 0.2 seconds"), run.err());
  }
}
