package dev.venice.plugins.writepathlatency;

import dev.venice.spi.server.WritePathTimestampMap;

/**
 * The per-hop deltas of one sampled write (Venice seed project 32, "write-path latency
 * decomposition"), from its three stamps, all epoch microseconds:
 *
 * <ul>
 *   <li>{@code t_produced}: the online producer's clock when it sent the write;
 *   <li>{@code t_leader_received}: the partition leader's clock when it dequeued the real-time
 *       record (the leader adds it to the header of its version-topic copy);
 *   <li>{@code t_rocksdb_written}: this replica's clock right after it wrote the version-topic copy
 *       to RocksDB (the hook's {@code afterApply}).
 * </ul>
 *
 * <p>On the leader replica: {@link Hop#KAFKA_QUEUE} = {@code t_leader_received - t_produced},
 * {@link Hop#LEADER_PROCESSING} = {@code t_rocksdb_written - t_leader_received} and {@link
 * Hop#END_TO_END} = {@code t_rocksdb_written - t_produced}. On a follower: {@link
 * Hop#FOLLOWER_REPLICATION} = {@code t_rocksdb_written - t_leader_received}. Deltas are passed on
 * as computed, negative ones included (clock skew); the sink decides what to do with them. No
 * state: thread-safe.
 */
final class WritePathDeltas {
  /** Receives the deltas of one write, in microseconds (possibly negative). */
  @FunctionalInterface
  interface Sink {
    void delta(Hop hop, long micros);
  }

  private WritePathDeltas() {}

  /**
   * Computes the deltas of one write and hands each to {@code sink}.
   *
   * @param stamps the write's header
   * @param leader whether this replica led the partition when it applied the write
   * @param writtenMicros {@code t_rocksdb_written}: this replica's clock after the write
   *     (epoch µs)
   * @return {@code false}, handing nothing to the sink, when the header has no leader stamp (a
   *     record that did not come through a leader that stamps: nothing can be measured)
   */
  static boolean compute(WritePathTimestampMap stamps, boolean leader, long writtenMicros,
      Sink sink) {
    long leaderReceived = stamps.leaderReceivedMicros();
    if (leaderReceived < 0) {
      return false;
    }
    if (leader) {
      sink.delta(Hop.KAFKA_QUEUE, leaderReceived - stamps.producedMicros());
      sink.delta(Hop.LEADER_PROCESSING, writtenMicros - leaderReceived);
      sink.delta(Hop.END_TO_END, writtenMicros - stamps.producedMicros());
    } else {
      sink.delta(Hop.FOLLOWER_REPLICATION, writtenMicros - leaderReceived);
    }
    return true;
  }
}
