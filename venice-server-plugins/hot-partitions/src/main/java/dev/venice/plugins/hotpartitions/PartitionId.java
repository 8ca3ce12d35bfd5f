package dev.venice.plugins.hotpartitions;

import java.util.Objects;

/**
 * One partition of one store version.
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition, from 0
 */
record PartitionId(String store, int version, int partition) {
  /** Checks the store. */
  PartitionId {
    Objects.requireNonNull(store, "store");
  }
}
