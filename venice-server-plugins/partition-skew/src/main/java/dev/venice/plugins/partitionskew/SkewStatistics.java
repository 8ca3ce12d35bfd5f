package dev.venice.plugins.partitionskew;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The distribution of one measure (records or bytes) over a store version's partitions.
 *
 * <ul>
 *   <li>{@code mean} is the arithmetic mean;
 *   <li>{@code stddev} is the <b>population</b> standard deviation, {@code sqrt(sum((x -
 *       mean)^2) / n)}: every partition is measured, none is sampled;
 *   <li>{@code p99} is the <b>nearest-rank</b> 99th percentile: the value of rank {@code
 *       ceil(0.99 n)} in ascending order (so the maximum below 100 partitions);
 *   <li>{@code cv}, the coefficient of variation, is {@code stddev / mean}, and 0 when the mean is
 *       0 (an empty version is not skewed).
 * </ul>
 *
 * <p>Immutable.
 *
 * @param count the number of partitions measured
 * @param min the smallest value
 * @param max the largest value
 * @param mean the mean
 * @param stddev the population standard deviation
 * @param p99 the nearest-rank 99th percentile
 * @param cv the coefficient of variation
 */
record SkewStatistics(int count, long min, long max, double mean, double stddev, long p99,
    double cv) {
  /** The statistics of no partition at all: every field 0. */
  static final SkewStatistics EMPTY = new SkewStatistics(0, 0, 0, 0, 0, 0, 0);

  /**
   * Computes the statistics of {@code values} (one per partition, in any order; not modified).
   * Two passes over the values (the mean first), so the variance has no cancellation error.
   */
  static SkewStatistics of(long[] values) {
    int n = values.length;
    if (n == 0) {
      return EMPTY;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    double mean = sum / n;
    double squares = 0;
    for (long v : sorted) {
      double d = v - mean;
      squares += d * d;
    }
    double stddev = Math.sqrt(squares / n);
    int rank = (int) Math.ceil(0.99 * n);
    long p99 = sorted[Math.max(rank, 1) - 1];
    double cv = mean == 0 ? 0 : stddev / mean;
    return new SkewStatistics(n, sorted[0], sorted[n - 1], mean, stddev, p99, cv);
  }

  /** As JSON fields, in the order the README lists them. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("partitions", count);
    json.put("min", min);
    json.put("max", max);
    json.put("mean", mean);
    json.put("stddev", stddev);
    json.put("p99", p99);
    json.put("cv", cv);
    return json;
  }
}
