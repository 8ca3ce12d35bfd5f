package dev.venice.plugins.adaptiverouting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.testkit.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Power-of-two-choices over the scores on a manual clock: scoring, decay, cold start, the error
 * penalty, oscillation and per-store settings changing at run time.
 */
class ReplicaRankingTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);
  private static final Replica C = new Replica("c_1", "c", 1);
  private static final String PREFIX = "venice.client.adaptive.routing.";

  private final ManualTimeSource time = new ManualTimeSource();
  private final AtomicReference<AdaptiveRoutingConfig> settings =
      new AtomicReference<>(new AdaptiveRoutingConfig(Duration.ofSeconds(10), 5, 10));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ReplicaRanking ranking = new ReplicaRanking(settings::get, time::nanoTime,
      new AdaptiveRoutingMetrics(registry, PREFIX, "users"));

  @Test
  void theLowerScoredOfTwoGoesFirstEveryTime() {
    answer(A, 1, 5);
    answer(B, 3, 5);
    for (int i = 0; i < 500; i++) {
      assertEquals(List.of(A, B), ranking.order(List.of(B, A)));
    }
    assertEquals(500, picks(A));
    assertEquals(0, picks(B));
  }

  @Test
  void oneCandidateIsCountedAndPassedAsGiven() {
    List<Replica> only = List.of(C);
    assertSame(only, ranking.order(only));
    assertEquals(1, picks(C));
    assertTrue(ranking.order(List.of()).isEmpty());
  }

  @Test
  void withThreeTheBestGetsAboutTwoThirdsTheWorstNoneAndTheRestFollowByScore() {
    answer(A, 1.0, 5);
    answer(B, 1.1, 5);
    answer(C, 1.2, 5);
    int draws = 6000;
    for (int i = 0; i < draws; i++) {
      List<Replica> ordered = ranking.order(List.of(C, B, A));
      List<Replica> expected = ordered.get(0).equals(A) ? List.of(A, B, C) : List.of(B, A, C);
      assertEquals(expected, ordered, "the rest in score order");
    }
    double bestShare = picks(A) / draws;
    assertTrue(bestShare > 0.6 && bestShare < 0.73, "a slightly faster replica does not take"
        + " all traffic: P2C leaves it out of a third of the draws; share " + bestShare);
    assertEquals(draws, picks(A) + picks(B), "the worst of three is never drawn as the better");
  }

  @Test
  void aColdReplicaIsScoredAsAnAverageWarmOneUntilItHasMinSamples() {
    answer(A, 5, 5);
    int draws = 4000;
    for (int i = 0; i < draws; i++) {
      ranking.order(List.of(A, C));
    }
    double coldShare = picks(C) / draws;
    assertTrue(coldShare > 0.45 && coldShare < 0.55, "equal weighting: " + coldShare);

    answer(C, 20, 4);
    ranking.order(List.of(A, C)); // 4 samples: still cold
    answer(C, 20, 1); // the fifth: its own (slow) statistics count now
    double before = picks(C);
    for (int i = 0; i < 100; i++) {
      assertEquals(List.of(A, C), ranking.order(List.of(C, A)));
    }
    assertEquals(before, picks(C));
  }

  @Test
  void aSlowFirstAnswerWhileColdDoesNotKeepAFastReplicaOut() {
    answer(A, 300, 1); // the first call pays for the connection
    answer(A, 1, 4);
    answer(B, 30, 5);
    for (int i = 0; i < 100; i++) {
      assertEquals(List.of(A, B), ranking.order(List.of(B, A)));
    }
  }

  @Test
  void replicasAllColdShareEqually() {
    int draws = 4000;
    for (int i = 0; i < draws; i++) {
      ranking.order(List.of(A, B));
    }
    double share = picks(A) / draws;
    assertTrue(share > 0.45 && share < 0.55, "share " + share);
  }

  @Test
  void withMinSamplesZeroANewReplicaIsJudgedOnItsEmptyStatistics() {
    settings.set(new AdaptiveRoutingConfig(Duration.ofSeconds(10), 0, 10));
    answer(A, 5, 5);
    assertEquals(List.of(C, A), ranking.order(List.of(A, C)), "no latency yet: the floor");
  }

  @Test
  void aReplicaThatWasSlowAndRecoveredWinsItsShareBack() {
    answer(A, 50, 5);
    answer(B, 1, 5);
    int[] picksOfA = new int[12]; // per 10 s of simulated time
    for (int tenth = 0; tenth < 1200; tenth++) { // 120 s, 10 requests a second
      time.advance(Duration.ofMillis(100));
      Replica first = ranking.order(List.of(A, B)).get(0);
      answer(first, 1, 1); // A has recovered: both answer in 1 ms now
      if (first.equals(A)) {
        picksOfA[tenth / 100]++;
      }
    }
    assertEquals(0, picksOfA[0] + picksOfA[1] + picksOfA[2], "slow: avoided for the first 30 s");
    int lastThirty = picksOfA[9] + picksOfA[10] + picksOfA[11];
    assertTrue(lastThirty > 90 && lastThirty < 210, "recovered: about half of the last 300"
        + " requests, got " + lastThirty);
  }

  @Test
  void theDecayTimeIsTheStoresCurrentOne() {
    answer(A, 10, 5);
    time.advance(Duration.ofSeconds(10));
    answer(B, 1, 5);
    assertEquals(List.of(B, A), ranking.order(List.of(A, B)), "10 ms x 1/e = 3.7 ms > 1 ms");
    settings.set(new AdaptiveRoutingConfig(Duration.ofSeconds(2), 5, 10));
    assertEquals(List.of(A, B), ranking.order(List.of(A, B)), "10 ms x e^-5 = 0.07 ms < 1 ms");
  }

  @Test
  void errorsArePenalisedByTheStoresCurrentErrorPenalty() {
    for (int i = 0; i < 5; i++) {
      record(A, AttemptOutcome.ANSWERED, 1);
      record(A, AttemptOutcome.FAILED, 1);
    }
    answer(B, 2, 5);
    assertEquals(List.of(B, A), ranking.order(List.of(A, B)), "1 ms x (1 + 10 x 0.5) > 2 ms");
    settings.set(new AdaptiveRoutingConfig(Duration.ofSeconds(10), 5, 0));
    assertEquals(List.of(A, B), ranking.order(List.of(A, B)), "errors ignored: 1 ms < 2 ms");
    settings.set(new AdaptiveRoutingConfig(Duration.ofSeconds(10), 1000, 10));
    int draws = 4000;
    double before = picks(A);
    for (int i = 0; i < draws; i++) {
      ranking.order(List.of(A, B));
    }
    double share = (picks(A) - before) / draws;
    assertTrue(share > 0.45 && share < 0.55, "min-samples raised: both cold again, " + share);
  }

  @Test
  void concurrentRequestsToEqualReplicasDoNotPileOntoOne() throws Exception {
    answer(A, 2, 5);
    answer(B, 2, 5);
    int threads = 8;
    int each = 500;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < each; i++) { // every attempt stays in flight
          ranking.stats(ranking.order(List.of(A, B)).get(0).instanceId()).started();
        }
      });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
    double total = threads * each;
    assertEquals(total, picks(A) + picks(B));
    // each decision goes to the smaller queue; stale reads by the 8 threads can only skew it by a
    // few, so the split stays within a few percent of even
    assertTrue(picks(A) / total < 0.55 && picks(B) / total < 0.55,
        "A " + picks(A) + ", B " + picks(B));
  }

  @Test
  void aSlightlyFasterReplicaOfTwoSharesLoadOnceItsQueueGrows() {
    answer(A, 1.0, 5);
    answer(B, 1.1, 5);
    for (int i = 0; i < 400; i++) { // none completes: the in-flight factor balances
      ranking.stats(ranking.order(List.of(A, B)).get(0).instanceId()).started();
    }
    double share = picks(A) / 400;
    assertTrue(share >= 0.5 && share < 0.56, "about 1.1 / 2.1 of the load: " + share);
  }

  @Test
  void eachInstanceHasOneScoreGaugeAndOnePickCounter() {
    answer(A, 2, 5);
    answer(B, 4, 5);
    ranking.stats(B.instanceId()).started();
    for (int i = 0; i < 50; i++) {
      ranking.order(List.of(A, B));
    }
    assertEquals(4, registry.getMeters().size(), "created once per (store, instance)");
    assertEquals(2.0, registry.get(PREFIX + "score").tags("store", "users", "instance", "a_1")
        .gauge().value(), 1e-9);
    assertEquals(8.0, registry.get(PREFIX + "score").tags("store", "users", "instance", "b_1")
        .gauge().value(), 1e-9, "4 ms x (1 in flight + 1)");
    time.advance(Duration.ofSeconds(10));
    assertEquals(2.0 * Math.exp(-1), registry.get(PREFIX + "score")
        .tags("instance", "a_1").gauge().value(), 1e-9, "decayed to now");
  }

  /** Records {@code count} answers of {@code millis} from {@code replica} at the current time. */
  private void answer(Replica replica, double millis, int count) {
    for (int i = 0; i < count; i++) {
      record(replica, AttemptOutcome.ANSWERED, millis);
    }
  }

  private void record(Replica replica, AttemptOutcome outcome, double millis) {
    long now = time.nanoTime();
    ranking.stats(replica.instanceId()).record(outcome, (long) (millis * 1e6), now,
        settings.get());
  }

  private double picks(Replica replica) {
    return registry.get(PREFIX + "picks").tags("instance", replica.instanceId()).counter()
        .count();
  }
}
