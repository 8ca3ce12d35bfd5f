package dev.venice.spi.server;

import java.util.Objects;

/**
 * A partition replica's life on a server, for {@link IngestionRecordHook}s that keep per-partition
 * state (a Bloom filter, a counter).
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition
 * @param resumed whether the replica already held data when it opened (a restart resuming from its
 *     checkpoint), so hooks will not see the records applied before
 * @param hybrid whether the store takes real-time writes after end-of-push
 */
public record PartitionEvent(String store, int version, int partition, boolean resumed,
    boolean hybrid) {
  /** Validates the fields. */
  public PartitionEvent {
    Objects.requireNonNull(store, "store");
  }
}
