package dev.venice.runtime.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.push.ThroughputEstimator.Estimate;
import dev.venice.runtime.push.ThroughputEstimator.Settings;
import dev.venice.runtime.push.ThroughputEstimator.State;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThroughputEstimatorTest {
  private final ManualClock clock = new ManualClock();
  private final ThroughputEstimator estimator =
      new ThroughputEstimator(100_000, Settings.DEFAULT, clock);

  /** Writes {@code perSecond} records a second for {@code seconds}, sampled every 100 ms. */
  private long write(long from, double perSecond, int seconds) {
    long records = from;
    for (int tick = 0; tick < seconds * 10; tick++) {
      clock.advance(Duration.ofMillis(100));
      records += Math.round(perSecond / 10);
      estimator.record(records);
    }
    return records;
  }

  @Test
  void noEtaDuringTheWarmUp() {
    write(0, 10_000, 1);
    Estimate estimate = estimator.estimate();
    assertEquals(State.WARMING_UP, estimate.state());
    assertNull(estimate.eta());
  }

  @Test
  void warmUpBurstIsLeftOut() {
    // a producer takes its first records into its buffer at 50,000/s, then Kafka's 2,000/s rules
    long records = write(0, 50_000, 1);
    records = write(records, 0, 1);
    write(records, 2_000, 5);
    Estimate estimate = estimator.estimate();
    assertEquals(State.RUNNING, estimate.state());
    assertEquals(2_000, estimate.recordsPerSecond(), 2_000 * 0.02);
    double left = (100_000 - estimate.recordsDone()) / 2_000.0;
    assertEquals(left, estimate.eta().toMillis() / 1000.0, left * 0.02);
  }

  @Test
  void etaRangeIsTwentyPercentEitherSide() {
    write(0, 1_000, 10);
    Estimate estimate = estimator.estimate();
    double eta = estimate.eta().toNanos();
    assertEquals(eta * 0.8, estimate.etaLow().toNanos(), 1e6);
    assertEquals(eta * 1.2, estimate.etaHigh().toNanos(), 1e6);
  }

  @Test
  void recentRateWeighsMoreThanOldRate() {
    long records = write(0, 1_000, 3);
    records = write(records, 1_000, 20);
    write(records, 4_000, 10); // two half-lives at the new rate
    double rate = estimator.estimate().recordsPerSecond();
    assertTrue(rate > 3_000 && rate < 4_000, "rate " + rate);
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    long records = write(0, 500, 3);
    records = write(records, 500, 10);
    write(records, 3_000, 31); // the 500/s samples are out of the 30 s window
    assertEquals(3_000, estimator.estimate().recordsPerSecond(), 1);
  }

  @Test
  void aPauseLowersTheRateThenIsAStallWithoutEta() {
    long records = write(0, 1_000, 10);
    clock.advance(Duration.ofSeconds(5));
    Estimate paused = estimator.estimate();
    assertEquals(State.RUNNING, paused.state());
    assertTrue(paused.recordsPerSecond() < 1_000 * 0.8, "rate " + paused.recordsPerSecond());
    clock.advance(Duration.ofSeconds(10));
    Estimate stalled = estimator.estimate();
    assertEquals(State.STALLED, stalled.state());
    assertNull(stalled.eta());
    assertEquals(0, stalled.recordsPerSecond());
    estimator.record(records + 100); // progress again: the stall is over
    assertEquals(State.RUNNING, estimator.estimate().state());
  }

  @Test
  void doneWhenEveryRecordIsWritten() {
    long records = write(0, 10_000, 5);
    estimator.record(100_000);
    Estimate done = estimator.estimate();
    assertTrue(records < 100_000);
    assertEquals(State.DONE, done.state());
    assertEquals(Duration.ZERO, done.eta());
  }

  @Test
  void emptyPushIsDoneAtOnce() {
    ThroughputEstimator empty = new ThroughputEstimator(0, Settings.DEFAULT, clock);
    assertEquals(State.DONE, empty.estimate().state());
  }

  @Test
  void countsThatGoBackOrPastTheTotalAreRefused() {
    estimator.record(10);
    assertThrows(IllegalArgumentException.class, () -> estimator.record(9));
    assertThrows(IllegalArgumentException.class, () -> estimator.record(100_001));
    assertThrows(IllegalArgumentException.class,
        () -> new ThroughputEstimator(-1, Settings.DEFAULT, clock));
    assertThrows(IllegalArgumentException.class, () -> new Settings(Duration.ZERO,
        Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1)));
  }

  @Test
  void aSteadyPushEtaEndsWithinTwentyPercentOfTheFinish() {
    // 100,000 records at 2,500/s with ±30% noise: every ETA after the warm-up lands the finish
    // within its range
    java.util.Random random = new java.util.Random(7);
    long records = 0;
    long start = clock.nanoTime();
    java.util.List<long[]> predictions = new java.util.ArrayList<>();
    while (records < 100_000) {
      clock.advance(Duration.ofMillis(100));
      records = Math.min(100_000, records + Math.round(250 * (0.7 + 0.6 * random.nextDouble())));
      estimator.record(records);
      Estimate estimate = estimator.estimate();
      if (estimate.state() == State.RUNNING) {
        predictions.add(new long[] {clock.nanoTime(), estimate.etaLow().toNanos(),
            estimate.etaHigh().toNanos()});
      }
    }
    long finish = clock.nanoTime();
    long half = start + (finish - start) / 2;
    for (long[] p : predictions) {
      if (p[0] >= half) {
        long left = finish - p[0];
        assertTrue(p[1] <= left + 100_000_000L && left <= p[2] + 100_000_000L,
            "at " + (p[0] - start) / 1e9 + " s: " + left / 1e9 + " s left, range "
                + p[1] / 1e9 + ".." + p[2] / 1e9);
      }
    }
  }

  private static final class ManualClock implements TimeSource {
    private long nanos = 1_000_000_000L;

    void advance(Duration by) {
      nanos += by.toNanos();
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant now() {
      return Instant.ofEpochSecond(0, nanos);
    }
  }
}
