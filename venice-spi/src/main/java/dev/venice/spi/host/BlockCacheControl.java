package dev.venice.spi.host;

import dev.venice.spi.Experimental;

/**
 * The block cache a host's partitions share, resizable at run time. Thread-safe: a resize is safe
 * while reads run (a shrink evicts entries no reader holds; blocks in use stay until released).
 *
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public interface BlockCacheControl {
  /** The capacity the host configured, in bytes. */
  long initialCapacityBytes();

  /** The capacity now, in bytes. */
  long capacityBytes();

  /**
   * Sets the capacity.
   *
   * @param bytes the new capacity, positive
   * @throws IllegalArgumentException when {@code bytes} is not positive
   * @throws UnsupportedOperationException when this platform cannot resize the cache (the message
   *     says why)
   */
  void resize(long bytes);
}
