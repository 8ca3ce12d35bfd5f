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
import org.junit.jupiter.api.Test;

/**
 * The skew score: replicas summed per partition, the mean over every partition of the store
 * (unreported ones count as 0), skew = max / mean, the threshold and the noise floor.
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
}
