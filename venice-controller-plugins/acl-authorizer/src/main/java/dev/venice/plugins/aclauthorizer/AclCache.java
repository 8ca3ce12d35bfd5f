package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.host.Subscription;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The ACL snapshot in use: the {@link AclTable} last read from the state store's {@value #NODE}
 * node, in a volatile field the authorizer reads without locking. {@link #reload()} reads the node
 * again (an absent node is an empty table: everything denied but to super users); a read that
 * fails, or finds a node it cannot decode, keeps the previous snapshot, is logged and counted.
 * {@link #watch} re-reads on every change of the node, on the given executor (never on the
 * store's event thread), coalescing a burst of changes into one read. Thread-safe.
 */
final class AclCache {
  /** The state-store node holding the ACLs (see {@link AclCodec}). */
  static final String NODE = "acls";

  private final PluginStateStore store;
  private final AclAuthorizerMetrics metrics;
  private final Logger logger;
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private volatile AclTable current = AclTable.EMPTY;

  AclCache(PluginStateStore store, AclAuthorizerMetrics metrics, Logger logger) {
    this.store = store;
    this.metrics = metrics;
    this.logger = logger;
  }

  /** The snapshot in use (empty until the first successful {@link #reload()}). */
  AclTable current() {
    return current;
  }

  /**
   * Reads the node and makes what it holds the snapshot in use. Reloads are serialized, so the
   * snapshot left is always that of the latest read, whichever thread made it.
   *
   * @return whether the snapshot was replaced (false: the read failed, counted and logged)
   */
  synchronized boolean reload() {
    AclTable table;
    try {
      Optional<StateEntry> node = store.read(NODE);
      table = node.isEmpty() ? AclTable.EMPTY : AclCodec.decode(node.get().data());
    } catch (RuntimeException e) { // ZooKeeper failing, or UnreadableAclsException
      metrics.reloadFailed();
      logger.error("acl-authorizer: the ACLs could not be reloaded, the previous {} entries stay"
          + " in use: {}", current.size(), e.getMessage());
      return false;
    }
    current = table;
    metrics.reloaded(table.size());
    return true;
  }

  /**
   * Reloads on {@code executor} whenever the node changes, until the returned subscription is
   * closed; one reload at a time is queued.
   */
  Subscription watch(Executor executor) {
    return store.watch(NODE, () -> {
      if (!reloadQueued.compareAndSet(false, true)) {
        return; // the queued reload will read this change too
      }
      try {
        executor.execute(() -> {
          reloadQueued.set(false);
          reload();
        });
      } catch (RejectedExecutionException stopping) {
        reloadQueued.set(false); // the plugin is stopping: its scheduler takes no more work
      }
    });
  }
}
