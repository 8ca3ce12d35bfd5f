package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.List;

/**
 * A Da Vinci client's local partitions, as a host service ({@link
 * dev.venice.spi.host.HostServices#localPartitions()}). Thread-safe.
 *
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public interface LocalPartitions {
  /** The partitions held now (subscribed, of every version being read or bootstrapped). */
  List<LocalPartition> partitions();

  /**
   * Makes a partition's progress durable and says how far: reads the last offset the local copy
   * applied, then flushes the copy's memory tables to files and syncs them (RocksDB's flush), so
   * everything up to that offset survives a crash of the process or of the machine. A checkpoint
   * written after this returns is never ahead of what the copy holds durably.
   *
   * @return the last offset now durable, or -1 when the copy applied nothing yet
   * @throws IllegalStateException when the partition is not held (any more), naming it
   * @throws java.io.UncheckedIOException when the storage fails the flush
   */
  long makeDurable(String store, int version, int partition);
}
