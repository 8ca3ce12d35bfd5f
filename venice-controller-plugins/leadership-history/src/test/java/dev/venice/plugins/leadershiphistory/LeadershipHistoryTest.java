package dev.venice.plugins.leadershiphistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.PluginStateStore;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingControllerHost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer's rules: ZooKeeper order whatever the order of the writes, repeats kept once, a
 * crashed leader's loss inferred by its successor and timed by ZooKeeper, the newest kept, the
 * encoding's size, and no event lost by concurrent recorders.
 */
class LeadershipHistoryTest {
  private static LeadershipEvent gained(String instance, long zxid, long startMs) {
    return new LeadershipEvent(LeadershipEvent.ACQUIRED, instance, zxid, startMs, startMs + 5, -1,
        false);
  }

  private static LeadershipEvent lost(String instance, long zxid, long startMs, long atMs) {
    return new LeadershipEvent(LeadershipEvent.LOST, instance, zxid, startMs, atMs,
        atMs - startMs, false);
  }

  private static List<String> describe(List<LeadershipEvent> events) {
    return events.stream().map(e -> e.type() + " " + e.instanceId() + " " + e.termZxid()
        + (e.inferred() ? " inferred" : "")).toList();
  }

  @Test
  void eventsAreOrderedByZooKeeperTermsNotByArrival() {
    List<LeadershipEvent> events = List.of();
    events = LeadershipHistory.with(events, gained("b", 20, 2_000), 100);
    events = LeadershipHistory.with(events, lost("a", 10, 1_000, 1_900), 100);
    events = LeadershipHistory.with(events, gained("a", 10, 1_000), 100);
    assertEquals(List.of("ACQUIRED a 10", "LOST a 10", "ACQUIRED b 20"), describe(events));
    assertEquals(events, LeadershipHistory.with(events, gained("b", 20, 2_000), 100),
        "a repeat is kept once");
  }

  @Test
  void aCrashedLeadersLossIsInferredByItsSuccessorAndTimedByZooKeeper() {
    List<LeadershipEvent> events = LeadershipHistory.with(List.of(), gained("a", 10, 1_000), 100);
    events = LeadershipHistory.with(events, gained("b", 30, 61_000), 100);
    assertEquals(List.of("ACQUIRED a 10", "LOST a 10 inferred", "ACQUIRED b 30"),
        describe(events));
    LeadershipEvent inferred = events.get(1);
    assertEquals(60_000, inferred.durationMs(), "from term start to term start, ZooKeeper's clock");
    assertEquals(61_000, inferred.observedAtMs());
    List<LeadershipEvent> late = LeadershipHistory.with(events, lost("a", 10, 1_000, 70_000), 100);
    assertEquals(events, late, "a late real loss of a closed term is dropped");
  }

  @Test
  void aLateGainBetweenTwoTermsIsClosedByTheNextOne() {
    List<LeadershipEvent> events = LeadershipHistory.with(List.of(), gained("a", 10, 1_000), 100);
    events = LeadershipHistory.with(events, lost("a", 10, 1_000, 1_500), 100);
    events = LeadershipHistory.with(events, gained("c", 30, 3_000), 100);
    events = LeadershipHistory.with(events, gained("b", 20, 2_000), 100); // written late
    assertEquals(List.of("ACQUIRED a 10", "LOST a 10", "ACQUIRED b 20", "LOST b 20 inferred",
        "ACQUIRED c 30"), describe(events));
    assertEquals(1_000, events.get(3).durationMs());
  }

  @Test
  void theNewestAreKeptAndTheEncodingStaysSmall() {
    List<LeadershipEvent> events = List.of();
    for (int term = 1; term <= 150; term++) {
      String instance = "controller-host-" + (term % 3) + ".example.com_5555";
      events = LeadershipHistory.with(events, gained(instance, term * 10L, term * 1_000L), 100);
      events = LeadershipHistory.with(events,
          lost(instance, term * 10L, term * 1_000L, term * 1_000L + 900), 100);
    }
    assertEquals(100, events.size());
    assertEquals(1_010, events.get(0).termZxid(), "the oldest 50 terms dropped");
    int bytes = LeadershipHistory.encode(events).length;
    assertTrue(bytes < 20_000, bytes + " bytes for 100 events");
    assertEquals(events, LeadershipHistory.decode(LeadershipHistory.encode(events)));
    assertTrue(1_000 * bytes / 100 < PluginStateStore.MAX_DATA_BYTES / 5,
        "even max-events=1000 stays far under ZooKeeper's limit");
  }

  @Test
  void concurrentRecordersLoseNoEvent() throws Exception {
    TestingControllerHost host = new TestingControllerHost("a_1", new ManualTimeSource());
    LeadershipHistory history = new LeadershipHistory(host.stateStore(), 1_000);
    ExecutorService recorders = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(recorders.submit(() -> {
          for (int i = 0; i < 25; i++) {
            long zxid = (thread * 25L + i) * 10;
            history.record(gained("c" + thread, zxid, zxid));
            history.record(lost("c" + thread, zxid, zxid, zxid + 5));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      recorders.shutdownNow();
    }
    // interleaved writers may close a term by inference before its own loss arrives: either
    // way each of the 200 terms is there once, gained then lost
    List<LeadershipEvent> events = history.events();
    assertEquals(400, events.size(), "200 terms, each gained and lost");
    for (int i = 0; i < events.size(); i += 2) {
      assertTrue(events.get(i).acquired() && !events.get(i + 1).acquired()
          && events.get(i).termZxid() == events.get(i + 1).termZxid(), events.get(i).toString());
    }
  }
}
