package dev.venice.plugins.hotpartitions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The skew of one store version's partitions, from the rates its replicas reported: a pure
 * function, no state, thread-safe.
 *
 * <p>Each partition's rate is the sum of its replicas' rates (replicas serve disjoint shares of the
 * partition's lookups), an upper bound whose true value is at least {@code rate - error} (a server
 * that evicted counters hands an evicted partition's count to the next one it sees, see {@link
 * PartitionCounts}). The mean is the total over the <em>counted</em> partitions: those with a
 * replica on a server that answered (or every partition when the placement is unknown); a counted
 * partition no replica reported (not read in the window) counts as 0. The skew is {@code max /
 * mean} (1 when reads are even, the counted partitions when one takes them all; 0 with no reads).
 *
 * <p>A partition is hot when its <b>lower bound</b> {@code rate - error} is at least {@code
 * threshold × mean}, and no reason rules detection out for the store; each reason is in the
 * evaluation's {@code note} (joined by "; "): a threshold above the partition count (skew cannot
 * reach it); a server holding replicas of the version that did not answer (its share of the
 * lookups is unknown, so the mean and the partitions' rates may both be wrong); a summed error
 * more than {@link #MAX_ERROR_SHARE} of the store's total (its servers evicted counters: another
 * store's lookups may have been handed to this one's partitions, and this one's to another's, so
 * its total and mean are not to be trusted either); a total below {@code minTotalRate}, the noise
 * floor that keeps a store read a few times from looking skewed. The skew is reported in every
 * case.
 */
final class SkewEvaluator {
  /** The share of a store's total its summed error may reach before detection is skipped. */
  static final double MAX_ERROR_SHARE = 0.1;

  private SkewEvaluator() {}

  /**
   * One replica's rate for one partition, as a server reported it.
   *
   * @param instance the server
   * @param partition the partition
   * @param rate key lookups per second on this replica (an upper bound)
   * @param error how much of {@code rate} may belong to other partitions (per second), 0 when
   *     the server's counts were exact
   */
  record ReplicaRate(String instance, int partition, double rate, double error) {}

  /**
   * Which partitions the rates cover.
   *
   * @param counted the partitions with a replica on a server that answered (the mean's divisor,
   *     with every partition reported anyway); {@code null} for every partition (placement
   *     unknown or every server answered)
   * @param missing why some lookups are unknown (servers holding replicas did not answer), so
   *     that no partition is judged hot; {@code null} when nothing is missing
   */
  record Coverage(Set<Integer> counted, String missing) {
    /** Every partition counted, nothing missing. */
    static final Coverage ALL = new Coverage(null, null);
  }

  /**
   * One partition's rate, its replicas summed.
   *
   * @param partition the partition
   * @param rate key lookups per second over its replicas (an upper bound)
   * @param error the sum of the replicas' errors (lookups/s): the true rate is at least {@code
   *     rate - error}
   * @param replicas how many replicas reported it
   * @param share its share of the store's total, 0 to 1
   * @param hot whether {@code rate - error} is at least {@code threshold × mean} and detection
   *     ran
   */
  record PartitionRate(int partition, double rate, double error, int replicas, double share,
      boolean hot) {}

  /**
   * One store version's evaluation.
   *
   * @param store the store
   * @param version the version evaluated (the current one)
   * @param partitionCount its partition count
   * @param countedPartitions the mean's divisor: the partitions with a replica on a server that
   *     answered (plus any reported), {@code partitionCount} when the placement is unknown
   * @param totalRate lookups/s over all partitions reported
   * @param errorRate the summed error of those rates (lookups/s that may belong elsewhere)
   * @param meanRate {@code totalRate / countedPartitions}
   * @param skew {@code max partition rate / meanRate}, 0 when there were no lookups
   * @param threshold the skew from which a partition is hot
   * @param minTotalRate the noise floor (lookups/s)
   * @param partitions the partitions reported, by decreasing rate (ties by partition)
   * @param hotPartitions the hot ones, by decreasing rate
   * @param note why no partition can be hot, or {@code null}
   */
  record Evaluation(String store, int version, int partitionCount, int countedPartitions,
      double totalRate, double errorRate, double meanRate, double skew, double threshold,
      double minTotalRate, List<PartitionRate> partitions, List<Integer> hotPartitions,
      String note) {
    /** Whether a partition is hot. */
    boolean hot() {
      return !hotPartitions.isEmpty();
    }
  }

  /** {@link #evaluate(String, int, int, Collection, double, double, Coverage)} over all. */
  static Evaluation evaluate(String store, int version, int partitionCount,
      Collection<ReplicaRate> replicas, double threshold, double minTotalRate) {
    return evaluate(store, version, partitionCount, replicas, threshold, minTotalRate,
        Coverage.ALL);
  }

  /**
   * Evaluates one store version.
   *
   * @param replicas the replicas' rates of this version; partitions outside {@code [0,
   *     partitionCount)} are ignored
   * @param threshold the skew threshold, at least 1
   * @param minTotalRate the noise floor in lookups/s, at least 0
   * @param coverage which partitions the answering servers hold
   * @throws IllegalArgumentException when {@code partitionCount < 1}
   */
  static Evaluation evaluate(String store, int version, int partitionCount,
      Collection<ReplicaRate> replicas, double threshold, double minTotalRate,
      Coverage coverage) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("store " + store + " has " + partitionCount
          + " partitions");
    }
    double[] rate = new double[partitionCount];
    double[] error = new double[partitionCount];
    int[] count = new int[partitionCount];
    double total = 0;
    double totalError = 0;
    for (ReplicaRate r : replicas) {
      if (r.partition() >= 0 && r.partition() < partitionCount) {
        rate[r.partition()] += r.rate();
        error[r.partition()] += r.error();
        count[r.partition()]++;
        total += r.rate();
        totalError += r.error();
      }
    }
    int counted = 0;
    for (int p = 0; p < partitionCount; p++) {
      if (coverage.counted() == null || coverage.counted().contains(p) || count[p] > 0) {
        counted++;
      }
    }
    counted = Math.max(1, counted);
    double mean = total / counted;
    double max = 0;
    for (double r : rate) {
      max = Math.max(max, r);
    }
    double skew = total > 0 ? max / mean : 0;
    List<String> notes = new ArrayList<>();
    if (threshold > partitionCount) {
      notes.add(String.format(Locale.ROOT, "the threshold %.1f cannot be reached with %d"
          + " partitions (skew is at most the partition count)", threshold, partitionCount));
    }
    if (coverage.missing() != null) {
      notes.add(coverage.missing());
    }
    if (total > 0 && totalError > MAX_ERROR_SHARE * total) {
      notes.add(String.format(Locale.ROOT, "the rates are estimates: %.2f of the %.2f lookups/s"
          + " may belong to other partitions (%.0f%%; servers evicted counters: raise"
          + " max-tracked-partitions above the partition replicas a server serves), so no"
          + " partition is judged hot", totalError, total, 100 * totalError / total));
    }
    if (total < minTotalRate || total == 0) {
      notes.add(String.format(Locale.ROOT, "%.2f lookups/s in total is below the noise floor"
          + " (min-total-rate %.2f)", total, minTotalRate));
    }
    boolean canBeHot = notes.isEmpty();
    List<PartitionRate> partitions = new ArrayList<>();
    for (int p = 0; p < partitionCount; p++) {
      if (count[p] > 0) {
        partitions.add(new PartitionRate(p, rate[p], error[p], count[p],
            total > 0 ? rate[p] / total : 0,
            canBeHot && rate[p] - error[p] >= threshold * mean));
      }
    }
    partitions.sort(Comparator.comparingDouble(PartitionRate::rate).reversed()
        .thenComparingInt(PartitionRate::partition));
    List<Integer> hot = partitions.stream().filter(PartitionRate::hot)
        .map(PartitionRate::partition).toList();
    return new Evaluation(store, version, partitionCount, counted, total, totalError, mean, skew,
        threshold, minTotalRate, List.copyOf(partitions), hot,
        notes.isEmpty() ? null : String.join("; ", notes));
  }
}
