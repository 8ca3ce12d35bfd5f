package dev.venice.plugins.adaptiverouting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-instance peak EWMA, error rate, in-flight count and score, on explicit timestamps. */
class ReplicaStatsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long TAU = TimeUnit.SECONDS.toNanos(10);
  private static final double EPSILON = 1e-6;
  /** Every instance warm from its first sample: the pure peak EWMA. */
  private static final AdaptiveRoutingConfig WARM =
      new AdaptiveRoutingConfig(Duration.ofNanos(TAU), 0, 10);

  @Test
  void aHigherSampleReplacesTheEstimateAtOnceALowerOneIsBlendedByTheTimeSinceTheLast() {
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.ANSWERED, 10 * MS, 0, WARM);
    assertEquals(10 * MS, stats.snapshot().latencyNanos(), EPSILON, "the first sample");
    stats.record(AttemptOutcome.ANSWERED, 50 * MS, 1, WARM);
    assertEquals(50 * MS, stats.snapshot().latencyNanos(), EPSILON, "a peak replaces at once");

    stats.record(AttemptOutcome.ANSWERED, 0, 1 + TAU, WARM); // one tau later: weight 1/e kept
    assertEquals(50 * MS * Math.exp(-1), stats.snapshot().latencyNanos(), 1);
    assertEquals(3, stats.snapshot().samples());
  }

  @Test
  void withoutSamplesTheEstimateDecaysTowardZero() {
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.ANSWERED, 40 * MS, 0, WARM);
    assertEquals(40 * MS, stats.latencyNanos(0, TAU), EPSILON);
    assertEquals(40 * MS * Math.exp(-1), stats.latencyNanos(TAU, TAU), 1);
    assertEquals(40 * MS * Math.exp(-3), stats.latencyNanos(3 * TAU, TAU), 1);
    assertEquals(40 * MS * Math.exp(-6), stats.latencyNanos(3 * TAU, TAU / 2), 1,
        "a shorter decay time decays faster");
    assertEquals(40 * MS, stats.snapshot().latencyNanos(), EPSILON, "reading changes nothing");
  }

  @Test
  void whileColdTheEstimateIsTheFastestAnswerThenThePeakRuleApplies() {
    AdaptiveRoutingConfig threeToWarm = new AdaptiveRoutingConfig(Duration.ofNanos(TAU), 3, 10);
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.FAILED, 900 * MS, 0, threeToWarm); // no answer: no estimate
    assertEquals(0, stats.snapshot().latencyNanos(), EPSILON);
    stats.record(AttemptOutcome.ANSWERED, 300 * MS, 0, threeToWarm); // connection setup
    assertEquals(300 * MS, stats.snapshot().latencyNanos(), EPSILON);
    stats.record(AttemptOutcome.ANSWERED, 2 * MS, 0, threeToWarm);
    assertEquals(2 * MS, stats.snapshot().latencyNanos(), EPSILON, "the fastest answer");
    assertEquals(3, stats.snapshot().samples());
    stats.record(AttemptOutcome.ANSWERED, 40 * MS, 0, threeToWarm); // warm: a peak
    assertEquals(40 * MS, stats.snapshot().latencyNanos(), EPSILON);
  }

  @Test
  void aFailureCountsInTheErrorRateAndRaisesTheLatencyOnlyAsAPeak() {
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.ANSWERED, 5 * MS, 0, WARM);
    stats.record(AttemptOutcome.FAILED, MS, 0, WARM); // refused at once: does not lower
    assertEquals(5 * MS, stats.snapshot().latencyNanos(), EPSILON);
    assertEquals(0.5, stats.snapshot().errorRate(), EPSILON);
    stats.record(AttemptOutcome.FAILED, 1000 * MS, 0, WARM); // a timeout raises
    assertEquals(1000 * MS, stats.snapshot().latencyNanos(), EPSILON);
    assertEquals(2.0 / 3, stats.snapshot().errorRate(), EPSILON);
    assertEquals(3, stats.snapshot().samples());
  }

  @Test
  void oldFailuresWeighLessThanNewSuccesses() {
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.FAILED, MS, 0, WARM);
    stats.record(AttemptOutcome.ANSWERED, MS, TAU, WARM);
    double decayedFailure = Math.exp(-1);
    assertEquals(decayedFailure / (decayedFailure + 1), stats.snapshot().errorRate(), EPSILON);
  }

  @Test
  void aCancelIsNotASampleButALowerBoundOnTheLatency() {
    ReplicaStats stats = new ReplicaStats(0);
    stats.record(AttemptOutcome.ANSWERED, 2 * MS, 0, WARM);
    stats.record(AttemptOutcome.CANCELLED, MS, 0, WARM);
    assertEquals(2 * MS, stats.snapshot().latencyNanos(), EPSILON, "a quick cancel says nothing");
    stats.record(AttemptOutcome.CANCELLED, 30 * MS, 0, WARM); // a losing hedge, 30 ms out
    assertEquals(30 * MS, stats.snapshot().latencyNanos(), EPSILON);
    assertEquals(1, stats.snapshot().samples());
    assertEquals(0, stats.snapshot().errorRate(), EPSILON);
  }

  @Test
  void anIgnoredOutcomeRecordsNothing() {
    ReplicaStats stats = new ReplicaStats(0);
    ReplicaStats.Snapshot before = stats.snapshot();
    stats.record(AttemptOutcome.IGNORED, 99 * MS, TAU, WARM);
    assertEquals(before, stats.snapshot());
  }

  @Test
  void theScoreIsLatencyTimesInFlightPlusOneRaisedByTheErrorRate() {
    ReplicaStats stats = new ReplicaStats(0);
    assertEquals(2 * MS, stats.score(2 * MS, 0, 10), EPSILON);
    stats.started();
    stats.started();
    assertEquals(2, stats.inFlight());
    assertEquals(6 * MS, stats.score(2 * MS, 0, 10), EPSILON);
    assertEquals(6 * MS * (1 + 10 * 0.25), stats.score(2 * MS, 0.25, 10), EPSILON);
    assertEquals(3, stats.score(0, 0, 10), EPSILON, "a 1 ns floor keeps the load counting");
    stats.finished();
    stats.finished();
    assertEquals(0, stats.inFlight());
  }

  @Test
  void outcomesAreClassifiedAsTheReadmeSays() {
    assertEquals(AttemptOutcome.ANSWERED, AttemptOutcome.of(null));
    assertEquals(AttemptOutcome.FAILED,
        AttemptOutcome.of(new ServiceUnavailableException("s", "down", null)));
    assertEquals(AttemptOutcome.FAILED, AttemptOutcome.of(new CompletionException(
        new RequestTimeoutException("s", Duration.ofSeconds(1)))));
    assertEquals(AttemptOutcome.IGNORED, AttemptOutcome.of(new QuotaExceededException("s", "q")));
    assertEquals(AttemptOutcome.IGNORED, AttemptOutcome.of(new UnknownStoreException("s", "gone")));
    assertEquals(AttemptOutcome.CANCELLED, AttemptOutcome.of(new CancellationException()));
    assertEquals(AttemptOutcome.CANCELLED, AttemptOutcome.of(
        new VeniceClientException("s", "request cancelled", new CancellationException())));
  }

  @Test
  void concurrentCompletionsAreAllRecordedWithoutALock() throws Exception {
    ReplicaStats stats = new ReplicaStats(0);
    int threads = 8;
    int each = 5_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean failing = t % 2 == 0;
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < each; i++) {
          stats.started();
          stats.record(failing ? AttemptOutcome.FAILED : AttemptOutcome.ANSWERED, MS, 0, WARM);
          stats.finished();
        }
      });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertEquals((long) threads * each, stats.snapshot().samples(), "no update lost");
    assertEquals(0.5, stats.snapshot().errorRate(), EPSILON, "same timestamp: no decay");
    assertEquals(0, stats.inFlight());
  }
}
