package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One version of a store as the controller's metadata holds it (from {@link
 * ControllerHost#versions(String)}).
 *
 * @param number the version number, 1 or more; its Kafka topic and Helix resource are {@code
 *     <store>_v<number>}
 * @param status where its push stands
 * @param partitionCount its partitions
 * @param replicationFactor the replicas of each partition its Helix resource asks for (the store's
 *     replication factor when the version was created)
 */
@Experimental(since = "1.7.0")
public record StoreVersion(int number, Status status, int partitionCount,
    int replicationFactor) {
  /** Where a version's push stands (Venice's version statuses). */
  public enum Status {
    /** The push is writing the version: a push in progress. */
    STARTED,
    /** Pushed; the version serves reads (the current one, or a backup kept for rollback). */
    ONLINE,
    /** The push failed or timed out; it never serves. */
    ERROR,
    /** The push was killed; it never serves. */
    KILLED
  }

  /** Validates the fields. */
  public StoreVersion {
    Objects.requireNonNull(status, "status");
    if (number < 1 || partitionCount < 1 || replicationFactor < 1) {
      throw new IllegalArgumentException("version " + number + " with " + partitionCount
          + " partitions and replication factor " + replicationFactor + ": all must be 1 or more");
    }
  }

  /** Whether a push is writing this version now. */
  public boolean pushInProgress() {
    return status == Status.STARTED;
  }
}
