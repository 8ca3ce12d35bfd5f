package dev.venice.plugins.hotpartitions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The skew of one store version's partitions, from the rates its replicas reported: a pure
 * function, no state, thread-safe.
 *
 * <p>Each partition's rate is the sum of its replicas' rates (replicas serve disjoint shares of the
 * partition's lookups). The mean is the total over the store's partition count: a partition no
 * replica reported (not read in the window, or on a server that did not answer) counts as 0 in
 * the mean. The skew is {@code max / mean} (1 when reads are even, the partition count when one
 * partition takes them all; 0 with no reads). A partition is hot when its rate is at least {@code
 * threshold × mean} (so the busiest one is hot exactly when {@code skew >= threshold}) and the
 * store's total is at least {@code minTotalRate}, the noise floor that keeps a store read a few
 * times from looking skewed. As skew cannot exceed the partition count, a threshold above it can
 * never be reached: the evaluation says so in its note.
 */
final class SkewEvaluator {
  private SkewEvaluator() {}

  /**
   * One replica's rate for one partition, as a server reported it.
   *
   * @param instance the server
   * @param partition the partition
   * @param rate key lookups per second on this replica
   * @param error how much of {@code rate} may belong to other partitions (per second), 0 when
   *     the server's counts were exact
   */
  record ReplicaRate(String instance, int partition, double rate, double error) {}

  /**
   * One partition's rate, its replicas summed.
   *
   * @param partition the partition
   * @param rate key lookups per second over its replicas
   * @param error the sum of the replicas' errors (lookups/s): the true rate is at least {@code
   *     rate - error}
   * @param replicas how many replicas reported it
   * @param share its share of the store's total, 0 to 1
   * @param hot whether its rate is at least {@code threshold × mean} above the noise floor
   */
  record PartitionRate(int partition, double rate, double error, int replicas, double share,
      boolean hot) {}

  /**
   * One store version's evaluation.
   *
   * @param store the store
   * @param version the version evaluated (the current one)
   * @param partitionCount its partition count, the mean's divisor
   * @param totalRate lookups/s over all partitions
   * @param meanRate {@code totalRate / partitionCount}
   * @param skew {@code max partition rate / meanRate}, 0 when there were no lookups
   * @param threshold the skew from which a partition is hot
   * @param minTotalRate the noise floor (lookups/s)
   * @param partitions the partitions reported, by decreasing rate (ties by partition)
   * @param hotPartitions the hot ones, by decreasing rate
   * @param note why no partition can be hot, or {@code null}
   */
  record Evaluation(String store, int version, int partitionCount, double totalRate,
      double meanRate, double skew, double threshold, double minTotalRate,
      List<PartitionRate> partitions, List<Integer> hotPartitions, String note) {
    /** Whether a partition is hot. */
    boolean hot() {
      return !hotPartitions.isEmpty();
    }
  }

  /**
   * Evaluates one store version.
   *
   * @param replicas the replicas' rates of this version; partitions outside {@code [0,
   *     partitionCount)} are ignored
   * @param threshold the skew threshold, at least 1
   * @param minTotalRate the noise floor in lookups/s, at least 0
   * @throws IllegalArgumentException when {@code partitionCount < 1}
   */
  static Evaluation evaluate(String store, int version, int partitionCount,
      Collection<ReplicaRate> replicas, double threshold, double minTotalRate) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("store " + store + " has " + partitionCount
          + " partitions");
    }
    double[] rate = new double[partitionCount];
    double[] error = new double[partitionCount];
    int[] count = new int[partitionCount];
    double total = 0;
    for (ReplicaRate r : replicas) {
      if (r.partition() >= 0 && r.partition() < partitionCount) {
        rate[r.partition()] += r.rate();
        error[r.partition()] += r.error();
        count[r.partition()]++;
        total += r.rate();
      }
    }
    double mean = total / partitionCount;
    double max = 0;
    for (double r : rate) {
      max = Math.max(max, r);
    }
    double skew = total > 0 ? max / mean : 0;
    String note = null;
    if (threshold > partitionCount) {
      note = String.format(Locale.ROOT, "the threshold %.1f cannot be reached with %d partitions"
          + " (skew is at most the partition count)", threshold, partitionCount);
    } else if (total < minTotalRate || total == 0) {
      note = String.format(Locale.ROOT, "%.2f lookups/s in total is below the noise floor"
          + " (min-total-rate %.2f)", total, minTotalRate);
    }
    boolean canBeHot = note == null;
    List<PartitionRate> partitions = new ArrayList<>();
    for (int p = 0; p < partitionCount; p++) {
      if (count[p] > 0) {
        partitions.add(new PartitionRate(p, rate[p], error[p], count[p],
            total > 0 ? rate[p] / total : 0, canBeHot && rate[p] >= threshold * mean));
      }
    }
    partitions.sort(Comparator.comparingDouble(PartitionRate::rate).reversed()
        .thenComparingInt(PartitionRate::partition));
    List<Integer> hot = partitions.stream().filter(PartitionRate::hot)
        .map(PartitionRate::partition).toList();
    return new Evaluation(store, version, partitionCount, total, mean, skew, threshold,
        minTotalRate, List.copyOf(partitions), hot, note);
  }
}
