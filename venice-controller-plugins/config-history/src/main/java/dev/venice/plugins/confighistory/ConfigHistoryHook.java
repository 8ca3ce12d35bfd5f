package dev.venice.plugins.confighistory;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The plugin's admin-mutation hook: after every successful {@code CREATE_STORE}, {@code
 * UPDATE_STORE} and {@code DELETE_STORE} (the host calls after-hooks on the leader controller
 * only, never for dry runs), appends the entry to the store's history ({@link
 * StoreConfigHistory#record}). Vetoes nothing.
 *
 * <p>The append is done on the calling thread, synchronously: the controller runs after-hooks
 * while it holds the store's lock, so entries are appended in the order the mutations were applied
 * and the history is written before the admin call answers. It costs one ZooKeeper read and one
 * conditional write, the same order as the mutation's own metadata write. A failure (ZooKeeper
 * error, a node of a newer format) loses that entry only: it is counted in {@code failed} and
 * logged (at most every 10 s), never thrown to the admin call. Thread-safe.
 */
final class ConfigHistoryHook implements AdminMutationHook {
  private final StoreConfigHistory history;
  private final ConfigHistoryMetrics metrics;
  private final Logger log;
  /** Spaces failure warnings in the log: one per 10 s, the rest counted. */
  private final RateGate warnings;

  /** @param time the clock spacing failure warnings */
  ConfigHistoryHook(StoreConfigHistory history, ConfigHistoryMetrics metrics, Logger log,
      TimeSource time) {
    this.history = history;
    this.metrics = metrics;
    this.log = log;
    this.warnings = RateGate.open(Duration.ofSeconds(10), time);
  }

  @Override
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    try {
      history.record(mutation, outcome);
    } catch (RuntimeException e) {
      metrics.failed();
      if (warnings.tryPass()) {
        log.warn("config history of store {}: the {} by {} was not recorded; further failures are"
            + " counted in {} and logged every 10 s", mutation.store(), mutation.operation(),
            mutation.caller().principal(), metrics.failedName(), e);
      }
    }
  }
}
