package dev.venice.plugins.partitionskew;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which replica's numbers stand for a partition, and why. The rule:
 *
 * <ol>
 *   <li>the Helix {@code LEADER}'s, when it answered with known numbers ({@code records >= 0}):
 *       the leader consumed everything the version topic holds, and it is one replica, so the
 *       numbers of all partitions come from the same role ({@link #LEADER});
 *   <li>otherwise the replica with the most records among those that answered with known numbers
 *       (ties: the lowest instance id): a follower only lags, so the most records is the closest to
 *       what the leader would say ({@link #MOST_RECORDS});
 *   <li>otherwise (every answering replica said its count is unknown, {@code -1}) the one with the
 *       most bytes ({@link #UNKNOWN_RECORDS}).
 * </ol>
 *
 * <p>Immutable.
 *
 * @param instance the chosen replica's instance id
 * @param records its record count (RocksDB's estimate; {@code -1} unknown)
 * @param bytes its size on disk ({@code -1} unknown)
 * @param reason {@link #LEADER}, {@link #MOST_RECORDS} or {@link #UNKNOWN_RECORDS}
 * @param replicas the number of replicas that answered for the partition
 */
record ReplicaChoice(String instance, long records, long bytes, String reason, int replicas) {
  /** The Helix leader answered. */
  static final String LEADER = "leader";
  /** The leader did not answer (or there is none): the replica with the most records. */
  static final String MOST_RECORDS = "most-records";
  /** No replica knows its record count: the one with the most bytes. */
  static final String UNKNOWN_RECORDS = "records-unknown";

  /** One replica's numbers for a partition. */
  record Numbers(long records, long bytes) {}

  /**
   * Chooses by the rule above.
   *
   * @param answered instance id to the numbers it reported for the partition; not empty
   * @param states instance id to Helix state for the partition (from the external view); may be
   *     empty
   */
  static ReplicaChoice choose(Map<String, Numbers> answered, Map<String, String> states) {
    if (answered.isEmpty()) {
      throw new IllegalArgumentException("no replica answered");
    }
    Map<String, Numbers> sorted = new TreeMap<>(answered);
    for (Map.Entry<String, Numbers> e : sorted.entrySet()) {
      if ("LEADER".equals(states.get(e.getKey())) && e.getValue().records() >= 0) {
        return of(e.getKey(), e.getValue(), LEADER, sorted.size());
      }
    }
    String best = null;
    for (Map.Entry<String, Numbers> e : sorted.entrySet()) {
      if (e.getValue().records() >= 0
          && (best == null || e.getValue().records() > sorted.get(best).records())) {
        best = e.getKey();
      }
    }
    if (best != null) {
      return of(best, sorted.get(best), MOST_RECORDS, sorted.size());
    }
    for (Map.Entry<String, Numbers> e : sorted.entrySet()) {
      if (best == null || e.getValue().bytes() > sorted.get(best).bytes()) {
        best = e.getKey();
      }
    }
    return of(Objects.requireNonNull(best), sorted.get(best), UNKNOWN_RECORDS, sorted.size());
  }

  private static ReplicaChoice of(String instance, Numbers n, String reason, int replicas) {
    return new ReplicaChoice(instance, n.records(), n.bytes(), reason, replicas);
  }
}
