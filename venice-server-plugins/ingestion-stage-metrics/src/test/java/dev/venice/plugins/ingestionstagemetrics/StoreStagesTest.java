package dev.venice.plugins.ingestionstagemetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.server.IngestionStage;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The store's two windows: percentiles and means against known values, rolling, idle, rates. */
class StoreStagesTest {
  private static final long SECOND = 1_000_000_000L;
  private final List<IngestionStage> firstUses = new ArrayList<>();
  private final StoreStages stages = new StoreStages("users", 10 * SECOND, 0,
      (s, stage) -> firstUses.add(stage));

  private static Histogram values(long from, long to) {
    Histogram h = new Histogram(2);
    for (long v = from; v <= to; v++) {
      h.recordValue(v * 1000);
    }
    return h;
  }

  private static long sum(long from, long to) {
    return (from + to) * (to - from + 1) / 2 * 1000;
  }

  @Test
  void percentilesMeanAndRateOfOneWindow() {
    stages.add(IngestionStage.APPLY, values(1, 1000), sum(1, 1000), 2 * SECOND);
    StageSnapshot s = stages.snapshot(IngestionStage.APPLY, 5 * SECOND);
    assertTrue(s.used());
    assertEquals(1000, s.count());
    assertEquals(500_500, s.meanNanos(), 1e-6);
    assertEquals(500_000, s.p50Nanos(), 500_000 * 0.01);
    assertEquals(990_000, s.p99Nanos(), 990_000 * 0.01);
    assertEquals(200.0, s.recordsPerSecond(), 1e-9, "1000 records over 5 s");
    assertEquals(List.of(IngestionStage.APPLY), firstUses);
    stages.add(IngestionStage.APPLY, values(1, 1), 1000, 6 * SECOND);
    assertEquals(List.of(IngestionStage.APPLY), firstUses, "first use is reported once");
    assertFalse(stages.snapshot(IngestionStage.DECODE, 6 * SECOND).used());
  }

  @Test
  void readingsCoverTheCurrentAndPreviousWindowsAndIdleWindowsEmptyThem() {
    stages.add(IngestionStage.DECODE, values(1, 100), sum(1, 100), 5 * SECOND); // window 0-10
    stages.add(IngestionStage.DECODE, values(101, 200), sum(101, 200), 15 * SECOND); // 10-20
    StageSnapshot both = stages.snapshot(IngestionStage.DECODE, 19 * SECOND);
    assertEquals(200, both.count());
    assertEquals(19 * SECOND, both.spanNanos());
    StageSnapshot rolled = stages.snapshot(IngestionStage.DECODE, 21 * SECOND); // 10-30
    assertEquals(100, rolled.count(), "the window of 0-10 s is gone");
    assertEquals(150_500, rolled.meanNanos(), 1e-6);
    assertEquals(11 * SECOND, rolled.spanNanos());
    StageSnapshot idle = stages.snapshot(IngestionStage.DECODE, 45 * SECOND);
    assertEquals(0, idle.count(), "two idle windows");
    assertEquals(0.0, idle.recordsPerSecond());
    assertTrue(Double.isNaN(idle.p99Nanos()));
    assertEquals(200, idle.totalCount(), "totals never go back");
    assertEquals(sum(1, 200), idle.totalNanos());
    stages.add(IngestionStage.DECODE, values(1, 10), sum(1, 10), 46 * SECOND);
    StageSnapshot after = stages.snapshot(IngestionStage.DECODE, 50 * SECOND);
    assertEquals(10, after.count());
    assertEquals(1.0, after.recordsPerSecond(), 1e-9,
        "10 records over the 10 s since the previous (empty) window began at 40 s");
  }
}
