package dev.venice.plugins.aclauthorizer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.<process>.acl.authorizer.}),
 * every one registered here, once: {@code entries} (gauge: grants in the snapshot in use), {@code
 * reloads} (ACL node reads applied), {@code reload.failures} (reads refused: ZooKeeper failing or
 * an unreadable node; the previous snapshot stays), {@code decisions} tagged {@code
 * result=allowed|denied}, and on controllers' store deletions {@code deleted.store.grants} (grants
 * removed with their store) and {@code deleted.store.failures} (deletions whose grants could not be
 * removed). Counting a decision is one pre-registered counter's increment.
 * Thread-safe.
 */
final class AclAuthorizerMetrics {
  private final AtomicInteger entries = new AtomicInteger();
  private final Counter reloads;
  private final Counter reloadFailures;
  private final Counter allowed;
  private final Counter denied;
  private final Counter deletedStoreGrants;
  private final Counter deletedStoreFailures;

  /** @param prefix the host-given meter prefix, ending with a dot */
  AclAuthorizerMetrics(MeterRegistry registry, String prefix) {
    Gauge.builder(prefix + "entries", entries, AtomicInteger::get)
        .description("ACL entries in the snapshot the authorizer uses").register(registry);
    this.reloads = Counter.builder(prefix + "reloads")
        .description("Reads of the ACL node applied (at start, on a change, periodically)")
        .register(registry);
    this.reloadFailures = Counter.builder(prefix + "reload.failures")
        .description("Reads of the ACL node that failed or found it unreadable; the previous"
            + " snapshot stays in use").register(registry);
    this.allowed = decisions(registry, prefix, "allowed");
    this.denied = decisions(registry, prefix, "denied");
    this.deletedStoreGrants = Counter.builder(prefix + "deleted.store.grants")
        .description("Grants removed because their store was deleted").register(registry);
    this.deletedStoreFailures = Counter.builder(prefix + "deleted.store.failures")
        .description("Store deletions whose grants could not be removed (they stay in place)")
        .register(registry);
  }

  private static Counter decisions(MeterRegistry registry, String prefix, String result) {
    return Counter.builder(prefix + "decisions").tag("result", result)
        .description("Authorization decisions of this plugin").register(registry);
  }

  /** A snapshot of {@code count} entries loaded. */
  void reloaded(int count) {
    entries.set(count);
    reloads.increment();
  }

  /** A reload that left the snapshot as it was. */
  void reloadFailed() {
    reloadFailures.increment();
  }

  /** An allowed operation. */
  void allowed() {
    allowed.increment();
  }

  /** A denied operation. */
  void denied() {
    denied.increment();
  }

  /** {@code count} grants removed with their deleted store. */
  void deletedStoreGrants(int count) {
    deletedStoreGrants.increment(count);
  }

  /** A deleted store whose grants could not be removed. */
  void deletedStoreFailed() {
    deletedStoreFailures.increment();
  }
}
