package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One node of a plugin's {@link PluginStateStore} as ZooKeeper stored it, with ZooKeeper's own
 * bookkeeping (its {@code Stat}): the version for conditional writes, and transaction ids and
 * times that order entries without trusting the hosts' clocks.
 *
 * @param path the node's path relative to the plugin's root (e.g. {@code history/orders})
 * @param data the bytes stored (the plugin's own encoding); do not modify
 * @param version ZooKeeper's data version: 0 after creation, +1 per write
 * @param createdZxid the ZooKeeper transaction id that created it (czxid)
 * @param modifiedZxid the transaction id of its last write (mzxid)
 * @param createdTimeMs when it was created, ms since the epoch by the ZooKeeper server's clock
 * @param modifiedTimeMs when it was last written, likewise
 */
@Experimental(since = "1.6.0")
public record StateEntry(String path, byte[] data, int version, long createdZxid,
    long modifiedZxid, long createdTimeMs, long modifiedTimeMs) {
  /** Validates. */
  public StateEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(data, "data");
  }

  /** The last segment of the path (for an appended entry, its sequence name). */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
