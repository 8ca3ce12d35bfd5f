package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A plugin's own small, durable, cluster-wide state: nodes in ZooKeeper under the cluster's
 * {@code plugin-state/<pluginId>} path, shared by every controller of the cluster and kept across
 * restarts. For history, small indexes and markers (kilobytes), not for data: each node holds at
 * most {@link #MAX_DATA_BYTES}, and every write is a ZooKeeper transaction.
 *
 * <p>Paths are relative to the plugin's root: one or more segments joined by {@code /}, each 1 to
 * 200 characters of letters, digits, {@code .}, {@code _} and {@code -} (not {@code .} or {@code
 * ..}); the empty path is the root itself. A path outside these rules is an {@link
 * IllegalArgumentException} naming it. Parents are created as needed. While ZooKeeper is
 * unreachable a call waits for the connection to come back (as the controller's own metadata
 * calls do); a failure ZooKeeper reports is an {@link IllegalStateException} naming the path.
 * Thread-safe; conditional writes make concurrent writers, on one controller or several, safe.
 */
@Experimental(since = "1.6.0")
public interface PluginStateStore {
  /**
   * The most bytes a node holds: ZooKeeper refuses a request over its {@code jute.maxbuffer}
   * (1 MiB by default), so the store refuses more than this, before writing.
   */
  int MAX_DATA_BYTES = 1_000_000;

  /**
   * Checks a path against the rules above (every implementation applies them).
   *
   * @return the path's segments; none for the root ({@code ""})
   * @throws IllegalArgumentException naming the path when it breaks them
   */
  static java.util.List<String> segments(String path) {
    if (path == null) {
      throw new IllegalArgumentException("state path is null");
    }
    if (path.isEmpty()) {
      return java.util.List.of();
    }
    java.util.List<String> segments = java.util.List.of(path.split("/", -1));
    for (String segment : segments) {
      if (!segment.matches("[A-Za-z0-9._-]{1,200}") || segment.equals(".")
          || segment.equals("..")) {
        throw new IllegalArgumentException("state path '" + path + "' is invalid: use segments"
            + " of 1 to 200 letters, digits, '.', '_' or '-' (not '.' or '..') joined by '/'");
      }
    }
    return segments;
  }

  /**
   * Checks data to store at {@code path}.
   *
   * @throws IllegalArgumentException naming the path when {@code data} is null or longer than
   *     {@link #MAX_DATA_BYTES}
   */
  static void checkData(String path, byte[] data) {
    if (data == null) {
      throw new IllegalArgumentException("state " + path + ": data is null");
    }
    if (data.length > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("state " + path + ": " + data.length + " bytes is more"
          + " than the " + MAX_DATA_BYTES + " a node may hold");
    }
  }

  /** The node at {@code path}, if it exists. */
  Optional<StateEntry> read(String path);

  /**
   * Creates a node.
   *
   * @throws StateConflictException when it exists
   * @throws IllegalArgumentException for a bad path or more than {@link #MAX_DATA_BYTES}
   */
  StateEntry create(String path, byte[] data);

  /**
   * Replaces a node's data if its version is still {@code expectedVersion} (ZooKeeper's
   * conditional {@code setData}).
   *
   * @throws StateConflictException when the version differs or the node is gone
   */
  StateEntry update(String path, byte[] data, int expectedVersion);

  /**
   * Read-modify-write without lost updates: reads the node, asks {@code change} for the new data
   * (given the current entry, empty when the node does not exist), writes it conditionally on the
   * version read (or creates it), and on a conflict starts over with a fresh read, until it
   * succeeds. {@code change} may thus run several times; it must have no side effects. One case
   * ZooKeeper cannot tell apart: a write that succeeded on the server while the connection was
   * lost, and is retried by the client, reads as a conflict, so {@code change} is applied once
   * more; keep changes idempotent where that matters (a set, not a counter).
   *
   * @return the entry written
   * @throws IllegalArgumentException when {@code change} returns more than {@link #MAX_DATA_BYTES}
   */
  default StateEntry update(String path, Function<Optional<StateEntry>, byte[]> change) {
    segments(path); // a bad path is refused before change runs
    while (true) {
      Optional<StateEntry> current = read(path);
      byte[] next = change.apply(current);
      try {
        return current.isEmpty() ? create(path, next)
            : update(path, next, current.get().version());
      } catch (StateConflictException raced) {
        // another writer won: read again and apply the change to what it wrote
      }
    }
  }

  /**
   * Creates a child of {@code parent} named by a ZooKeeper sequence number (ten digits, increasing
   * in creation order across every controller): a log entry that no concurrent append can
   * overwrite.
   *
   * @return the entry created; its {@link StateEntry#name()} is the sequence name
   */
  StateEntry append(String parent, byte[] data);

  /** The children of {@code path}, names sorted (sequence names thus in creation order). */
  List<String> children(String path);

  /**
   * Deletes a node (and nothing else: a node with children is refused with an {@link
   * IllegalStateException}).
   *
   * @param expectedVersion the version to delete, {@code -1} for any
   * @return whether it existed
   * @throws StateConflictException when its version differs
   */
  boolean delete(String path, int expectedVersion);

  /**
   * Calls {@code onChange} whenever the node at {@code path} is created, changed or deleted, until
   * the subscription is closed (ZooKeeper's data watch, set again after each event): a plugin keeps
   * a cache of small state and re-reads it on change. Events may coalesce (a burst of writes can
   * give one call) and a call may come with no change (after a reconnection); read the node in the
   * callback. Called on the store's event thread: return quickly, never block on another change.
   *
   * @param path the node to watch (it need not exist)
   * @return closes the watch
   * @throws IllegalArgumentException naming the path when it breaks the rules above
   * @throws UnsupportedOperationException on a store that cannot watch (hosts older than SPI 1.9)
   * @since 1.9.0
   */
  @Experimental(since = "1.9.0")
  default dev.venice.spi.host.Subscription watch(String path, Runnable onChange) {
    throw new UnsupportedOperationException("this plugin state store cannot watch " + path);
  }
}
