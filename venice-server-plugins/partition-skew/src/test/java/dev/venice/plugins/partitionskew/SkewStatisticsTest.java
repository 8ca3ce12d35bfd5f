package dev.venice.plugins.partitionskew;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The statistics on inputs whose answers are known by hand. */
class SkewStatisticsTest {
  private static final double EPS = 1e-9;

  @Test
  void populationStandardDeviationAndCoefficientOfVariation() {
    // 2 4 4 4 5 5 7 9: mean 5, squared deviations sum 32, population variance 4, stddev 2
    SkewStatistics s = SkewStatistics.of(new long[] {9, 4, 2, 4, 5, 4, 7, 5});
    assertEquals(8, s.count());
    assertEquals(2, s.min());
    assertEquals(9, s.max());
    assertEquals(5.0, s.mean(), EPS);
    assertEquals(2.0, s.stddev(), EPS, "population, not sample (which would be 2.138)");
    assertEquals(0.4, s.cv(), EPS);
    assertEquals(9, s.p99(), "nearest rank ceil(0.99 * 8) = 8: the maximum");
  }

  @Test
  void p99IsTheNearestRankValue() {
    long[] values = LongStream.rangeClosed(1, 200).toArray(); // 1..200
    SkewStatistics s = SkewStatistics.of(values);
    assertEquals(198, s.p99(), "rank ceil(0.99 * 200) = 198");
    assertEquals(100.5, s.mean(), EPS);
    long[] hundred = LongStream.rangeClosed(1, 100).toArray();
    assertEquals(99, SkewStatistics.of(hundred).p99(), "rank 99 of 100");
  }

  @Test
  void onePartitionAllZeroAndNoneAreNotSkewed() {
    SkewStatistics one = SkewStatistics.of(new long[] {42});
    assertEquals(0.0, one.stddev(), EPS);
    assertEquals(0.0, one.cv(), EPS);
    assertEquals(42, one.p99());
    SkewStatistics zeros = SkewStatistics.of(new long[] {0, 0, 0});
    assertEquals(0.0, zeros.cv(), EPS, "mean 0: cv 0, not NaN");
    assertEquals(SkewStatistics.EMPTY, SkewStatistics.of(new long[0]));
  }

  @Test
  void mostRecordsInOnePartitionGiveALargeCoefficient() {
    // 900 records in one partition, 25 in each of four others: mean 200, stddev 350
    SkewStatistics s = SkewStatistics.of(new long[] {25, 900, 25, 25, 25});
    assertEquals(200.0, s.mean(), EPS);
    assertEquals(350.0, s.stddev(), EPS);
    assertEquals(1.75, s.cv(), EPS);
  }

  @Test
  void theInputIsNotModified() {
    long[] values = {3, 1, 2};
    SkewStatistics.of(values);
    assertEquals(3, values[0]);
  }
}
