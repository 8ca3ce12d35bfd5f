package dev.venice.plugins.writepathlatency;

/**
 * One hop of a sampled real-time write, measured between two stamps (epoch microseconds; see
 * {@link WritePathDeltas}). {@link #meterName} is the histogram's name under the plugin's prefix,
 * {@link #tag} the {@code hop} tag value of the {@code negative.deltas} counter.
 */
enum Hop {
  /** {@code t_leader_received - t_produced}, on the leader: cross-host, includes clock skew. */
  KAFKA_QUEUE("kafka.queue.latency", "kafka_queue",
      "t_leader_received - t_produced: from the producer's send to the leader's dequeue of the"
          + " real-time record (cross-host: includes the clocks' skew)"),
  /** {@code t_rocksdb_written - t_leader_received}, on the leader: one host's clock. */
  LEADER_PROCESSING("leader.processing.latency", "leader_processing",
      "t_rocksdb_written - t_leader_received on the leader: its copy to the version topic, the"
          + " transaction commit, the read-back and the RocksDB write (one host's clock)"),
  /** {@code t_rocksdb_written - t_produced}, on the leader: cross-host. */
  END_TO_END("end.to.end.latency", "end_to_end",
      "t_rocksdb_written - t_produced on the leader: from the producer's send to the leader's"
          + " RocksDB write (cross-host: includes the clocks' skew)"),
  /** {@code t_rocksdb_written - t_leader_received}, on a follower: cross-host. */
  FOLLOWER_REPLICATION("follower.replication.latency", "follower_replication",
      "t_rocksdb_written - t_leader_received on a follower: from the leader's dequeue to this"
          + " follower's RocksDB write (cross-host: includes the clocks' skew)");

  final String meterName;
  final String tag;
  final String description;

  Hop(String meterName, String tag, String description) {
    this.meterName = meterName;
    this.tag = tag;
    this.description = description;
  }
}
