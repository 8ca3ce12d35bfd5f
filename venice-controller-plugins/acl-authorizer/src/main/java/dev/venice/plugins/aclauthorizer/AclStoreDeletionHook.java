package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The plugin's admin-mutation hook on controllers: after every successful {@code DELETE_STORE}
 * (the host calls after-hooks on the leader controller only, never for dry runs), removes every
 * grant on {@code store:<name>} from the ACL node, so a store created later under the same name
 * does not inherit the deleted store's grants. Vetoes nothing.
 *
 * <p>The removal is a conditional write on the version read, started over from a fresh read when
 * another writer (the ACL endpoint, another hook) won, up to {@value AclEndpoint#MAX_ATTEMPTS}
 * times, as grants and revocations are; a node without such grants is not written. It runs on
 * the calling thread (one ZooKeeper read and at most a few writes, like the deletion's own
 * metadata writes), so the grants are gone before the admin call answers. It does not check
 * leadership itself: the host calls it on the leader only, and a check here could only skip the
 * removal of a store that is already deleted when leadership moved in between. A failure
 * (ZooKeeper failing, an unreadable ACL node, every attempt lost) leaves the grants in place: it is
 * counted in {@code deleted.store.failures} and logged with the store's name, never thrown to the
 * admin call, whose store is deleted either way. Thread-safe.
 */
final class AclStoreDeletionHook implements AdminMutationHook {
  private final PluginStateStore store;
  private final AclAuthorizerMetrics metrics;
  private final Logger log;

  /**
   * @param store the plugin's state store holding the {@value AclCache#NODE} node
   * @param metrics counts the grants removed and the failures
   * @param log where removals and failures are logged
   */
  AclStoreDeletionHook(PluginStateStore store, AclAuthorizerMetrics metrics, Logger log) {
    this.store = store;
    this.metrics = metrics;
    this.log = log;
  }

  /** Removes the grants on the store a successful, real {@code DELETE_STORE} deleted. */
  @Override
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    if (mutation.operation() != AdminOperation.DELETE_STORE || mutation.dryRun()
        || !outcome.success() || mutation.store() == null) {
      return;
    }
    String resource = AclEntry.storeResource(mutation.store());
    try {
      int removed = removeGrantsOn(resource);
      if (removed > 0) {
        metrics.deletedStoreGrants(removed);
        log.info("acl-authorizer: store {} was deleted by {}: its {} grant(s) are removed",
            mutation.store(), mutation.caller().principal(), removed);
      }
    } catch (RuntimeException e) { // ZooKeeper failing, UnreadableAclsException, conflicts
      metrics.deletedStoreFailed();
      log.error("acl-authorizer: store {} was deleted but its grants could not be removed: {};"
          + " revoke them (venice acl list --store {}) before a store of that name is created"
          + " again", mutation.store(), e.getMessage(), mutation.store());
    }
  }

  /**
   * Removes every grant on {@code resource}, conditionally on the node's version.
   *
   * @return how many grants were removed (0: none, nothing written)
   * @throws IllegalStateException when every attempt lost a race, or ZooKeeper failed
   */
  private int removeGrantsOn(String resource) {
    for (int attempt = 1; attempt <= AclEndpoint.MAX_ATTEMPTS; attempt++) {
      Optional<StateEntry> node = store.read(AclCache.NODE);
      if (node.isEmpty()) {
        return 0;
      }
      AclTable table = AclCodec.decode(node.get().data());
      AclTable next = table.withoutResource(resource);
      if (next.size() == table.size()) {
        return 0;
      }
      try {
        store.update(AclCache.NODE, AclCodec.encode(next), node.get().version());
        return table.size() - next.size();
      } catch (StateConflictException raced) {
        // another writer changed the node since it was read: read it again
      }
    }
    throw new IllegalStateException("the ACL node changed under each of "
        + AclEndpoint.MAX_ATTEMPTS + " attempts to write it");
  }
}
