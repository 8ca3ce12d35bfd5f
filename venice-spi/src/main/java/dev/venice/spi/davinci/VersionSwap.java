package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * A Da Vinci client's swap of reads from one store version to another.
 *
 * @param store the store
 * @param fromVersion the version read before, 0 when none
 * @param toVersion the version read from now on
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public record VersionSwap(String store, int fromVersion, int toVersion) {
  /** Checks the store. */
  public VersionSwap {
    Objects.requireNonNull(store, "store");
  }
}
