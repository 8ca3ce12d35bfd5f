package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.hotpartitions.SkewEvaluator.Evaluation;
import dev.venice.plugins.hotpartitions.SkewEvaluator.ReplicaRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The skew score: replicas summed per partition, the mean over every partition of the store
 * (unreported ones count as 0) or over those with a replica on an answering server, skew = max /
 * mean, hot on the lower bound {@code rate - error}, the threshold, the noise floor, estimated
 * rates and missing servers ruling detection out.
 */
class SkewEvaluatorTest {
  private static ReplicaRate r(String instance, int partition, double rate) {
    return new ReplicaRate(instance, partition, rate, 0);
  }

  @Test
  void replicasAreSummedAndTheSkewIsMaxOverMean() {
    // 20 partitions, partition 5 read 100/s on each of two replicas, the others 1/s on one
    List<ReplicaRate> rates = new ArrayList<>();
    rates.add(r("a", 5, 100));
    rates.add(r("b", 5, 100));
    for (int p = 0; p < 20; p++) {
      if (p != 5) {
        rates.add(r(p % 2 == 0 ? "a" : "b", p, 1));
      }
    }
    Evaluation e = SkewEvaluator.evaluate("users", 3, 20, rates, 10, 1);
    assertEquals(219, e.totalRate(), 1e-9);
    assertEquals(219 / 20.0, e.meanRate(), 1e-9);
    assertEquals(200 / (219 / 20.0), e.skew(), 1e-9);
    assertEquals(List.of(5), e.hotPartitions());
    assertEquals(5, e.partitions().get(0).partition());
    assertEquals(2, e.partitions().get(0).replicas());
    assertEquals(200 / 219.0, e.partitions().get(0).share(), 1e-9);
    assertTrue(e.partitions().get(0).hot());
    assertFalse(e.partitions().get(1).hot());
    assertNull(e.note());
    assertEquals(3, e.version());
  }

  @Test
  void evenReadsHaveSkewOneAndNothingHot() {
    List<ReplicaRate> rates = new ArrayList<>();
    for (int p = 0; p < 16; p++) {
      rates.add(r("a", p, 50));
    }
    Evaluation e = SkewEvaluator.evaluate("users", 1, 16, rates, 10, 1);
    assertEquals(1.0, e.skew(), 1e-9);
    assertTrue(e.hotPartitions().isEmpty());
  }

  @Test
  void partitionsNobodyReportedCountAsZeroInTheMean() {
    // one partition of 12 read at all: skew is the partition count
    Evaluation e = SkewEvaluator.evaluate("users", 1, 12, List.of(r("a", 4, 30)), 10, 1);
    assertEquals(30 / 12.0, e.meanRate(), 1e-9);
    assertEquals(12.0, e.skew(), 1e-9);
    assertEquals(List.of(4), e.hotPartitions());
    assertEquals(1, e.partitions().size(), "only reported partitions are listed");
  }

  @Test
  void everyPartitionAtThresholdTimesTheMeanIsHot() {
    List<ReplicaRate> rates = new ArrayList<>(List.of(r("a", 0, 400), r("a", 1, 300)));
    for (int p = 2; p < 100; p++) {
      rates.add(r("a", p, 3));
    }
    Evaluation e = SkewEvaluator.evaluate("users", 1, 100, rates, 10, 1);
    // mean = (700 + 294) / 100 = 9.94: both above 99.4
    assertEquals(List.of(0, 1), e.hotPartitions());
  }

  @Test
  void belowTheNoiseFloorNothingIsHot() {
    Evaluation e = SkewEvaluator.evaluate("users", 1, 12, List.of(r("a", 4, 0.5)), 10, 1);
    assertEquals(12.0, e.skew(), 1e-9, "the skew is still reported");
    assertTrue(e.hotPartitions().isEmpty());
    assertTrue(e.note().contains("noise floor"), e.note());
  }

  @Test
  void aThresholdAboveThePartitionCountCannotBeReachedAndSaysSo() {
    Evaluation e = SkewEvaluator.evaluate("users", 1, 4, List.of(r("a", 0, 1000)), 10, 1);
    assertEquals(4.0, e.skew(), 1e-9);
    assertTrue(e.hotPartitions().isEmpty());
    assertTrue(e.note().contains("cannot be reached with 4 partitions"), e.note());
  }

  @Test
  void noReadsGiveSkewZeroAndUnknownPartitionsAreIgnored() {
    Evaluation none = SkewEvaluator.evaluate("users", 1, 12, List.of(), 10, 0);
    assertEquals(0, none.skew());
    assertTrue(none.hotPartitions().isEmpty());
    Evaluation stray = SkewEvaluator.evaluate("users", 1, 12,
        List.of(r("a", 12, 500), r("a", -1, 500), r("a", 0, 1)), 10, 0);
    assertEquals(1, stray.totalRate(), 1e-9, "partitions outside 0..11 are ignored");
    assertThrows(IllegalArgumentException.class,
        () -> SkewEvaluator.evaluate("users", 1, 0, List.of(), 10, 0));
  }

  /**
   * The review's case: one server-wide summary (10 counters) serves a busy store and a quiet one;
   * the busy store's nine partitions keep their counters, so the quiet store's twelve partitions
   * (read 10 times each, evenly) evict each other in turn and the last one seen inherits almost
   * all of their lookups: partition 11 with count 120 and error 110, the only one listed. On its
   * upper bound it would be 12 times the mean (hot at threshold 10); its lower bound, 10, is the
   * mean, and the store's summed error is 92% of its total: nothing is hot, and the note says why.
   */
  @Test
  void aQuietStoreWhosePartitionsWereEvictedByABusyOneHasNoFalseHotPartition() {
    PartitionCounts counts = new PartitionCounts(10);
    for (int p = 0; p < 9; p++) {
      for (int i = 0; i < 1000; i++) {
        counts.add(new PartitionId("busy", 1, p));
      }
    }
    for (int p = 0; p < 12; p++) {
      for (int i = 0; i < 10; i++) {
        counts.add(new PartitionId("quiet", 1, p));
      }
    }
    List<ReplicaRate> quiet = counts.snapshot().entries().stream()
        .filter(e -> e.id().store().equals("quiet"))
        .map(e -> new ReplicaRate("a", e.id().partition(), e.count(), e.error())).toList();
    assertEquals(List.of(new ReplicaRate("a", 11, 120, 110)), quiet, "the last one inherits");

    Evaluation e = SkewEvaluator.evaluate("quiet", 1, 12, quiet, 10, 1);
    assertEquals(12.0, e.skew(), 1e-9, "the upper bounds' skew, reported as is");
    assertEquals(110, e.errorRate(), 1e-9);
    assertTrue(e.hotPartitions().isEmpty(), e.toString());
    assertTrue(e.note().contains("the rates are estimates: 110.00 of the 120.00 lookups/s"),
        e.note());

    // the busy store's counts are exact: its evaluation is not flagged
    List<ReplicaRate> busy = counts.snapshot().entries().stream()
        .filter(x -> x.id().store().equals("busy"))
        .map(x -> new ReplicaRate("a", x.id().partition(), x.count(), x.error())).toList();
    assertNull(SkewEvaluator.evaluate("busy", 1, 9, busy, 2, 1).note());
  }

  @Test
  void aPartitionIsHotOnlyWhenItsLowerBoundReachesTheThreshold() {
    // 99 partitions at 10/s, partition 0 at 200/s: total 1190, mean 11.9, threshold 10 -> 119
    List<ReplicaRate> rates = new ArrayList<>();
    for (int p = 1; p < 100; p++) {
      rates.add(r("a", p, 10));
    }
    rates.add(new ReplicaRate("a", 0, 200, 30));
    Evaluation small = SkewEvaluator.evaluate("users", 1, 100, rates, 10, 1);
    assertEquals(List.of(0), small.hotPartitions(), "170 of it is its own: hot");
    assertNull(small.note());
    // the same upper bound, 100 of it possibly inherited (8% of the total, not flagged)
    rates.set(rates.size() - 1, new ReplicaRate("a", 0, 200, 100));
    Evaluation e = SkewEvaluator.evaluate("users", 1, 100, rates, 10, 1);
    assertEquals(200 / 11.9, e.skew(), 1e-9);
    assertNull(e.note(), "a small error does not rule detection out");
    assertTrue(e.hotPartitions().isEmpty(), "100 < 119: not hot on its lower bound");
  }

  /**
   * Six of twelve partitions have a replica on a server that answered, the other six only on one
   * that did not: the mean is over six, so the skew is not doubled, and nothing is judged hot.
   */
  @Test
  void theMeanIsOverPartitionsWithAnAnsweringReplicaAndMissingServersRuleDetectionOut() {
    List<ReplicaRate> rates = new ArrayList<>(List.of(r("a", 0, 1000)));
    for (int p = 1; p < 6; p++) {
      rates.add(r("a", p, 100));
    }
    Set<Integer> answered = IntStream.range(0, 6).boxed().collect(Collectors.toSet());
    Evaluation e = SkewEvaluator.evaluate("users", 1, 12, rates, 3, 1,
        new SkewEvaluator.Coverage(answered, "servers holding ... did not answer (b)"));
    assertEquals(6, e.countedPartitions());
    assertEquals(1500 / 6.0, e.meanRate(), 1e-9);
    assertEquals(4.0, e.skew(), 1e-9, "not 8, as over all 12 partitions");
    assertTrue(e.hotPartitions().isEmpty());
    assertEquals("servers holding ... did not answer (b)", e.note());
    // the same placement with every server answering: judged, over the six counted
    Evaluation judged = SkewEvaluator.evaluate("users", 1, 12, rates, 3, 1,
        new SkewEvaluator.Coverage(answered, null));
    assertEquals(List.of(0), judged.hotPartitions());
    assertEquals(4.0, judged.skew(), 1e-9);
  }
}
