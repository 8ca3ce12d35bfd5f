package dev.venice.plugins.replicationrepair;

import dev.venice.plugins.replicationrepair.RepairDecider.Deferral;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters under the host-given prefix ({@code venice.controller.replication.repair.}):
 * the seed's {@code under_replicated_partitions} gauge per store (set by every run of the leader;
 * a store no longer checked, deleted or switched off, loses its gauge, and a standby has none),
 * rebalances started per store, deferrals by reason, runs and failed runs. The per-store meters
 * are created on a store's first appearance, the rest at start. Thread-safe.
 */
final class ReplicationRepairMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final Counter runs;
  private final Counter runFailures;
  private final Map<Deferral, Counter> deferred = new EnumMap<>(Deferral.class);
  private final Map<String, Counter> rebalances = new ConcurrentHashMap<>();
  /** The gauges of the stores the last run checked, with their values. */
  private final Map<String, Gauge> gauges = new HashMap<>();
  private final Map<String, AtomicInteger> underReplicated = new HashMap<>();

  /** @param prefix the host-given meter prefix, ending with a dot */
  ReplicationRepairMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
    runs = Counter.builder(prefix + "runs")
        .description("Runs of the repair task on the leader controller").register(registry);
    runFailures = Counter.builder(prefix + "run.failures")
        .description("Runs of the repair task that failed (store metadata or Helix unreadable)")
        .register(registry);
    for (Deferral reason : Deferral.values()) {
      deferred.put(reason, Counter.builder(prefix + "rebalances.deferred")
          .tag("reason", reason.tag())
          .description("Rebalances of under-replicated store versions put off to a later run")
          .register(registry));
    }
  }

  void ran() {
    runs.increment();
  }

  void runFailed() {
    runFailures.increment();
  }

  void deferred(Deferral reason) {
    deferred.get(reason).increment();
  }

  void rebalanced(String store) {
    rebalances.computeIfAbsent(store, s -> Counter.builder(prefix + "rebalances").tag("store", s)
        .description("Replica rebalances started for the store's under-replicated versions")
        .register(registry)).increment();
  }

  /**
   * Sets the gauge of every store checked ({@code byStore}, 0 when healthy) and removes the
   * gauges of the others (deleted or switched-off stores; every store's on a standby).
   */
  synchronized void underReplicated(Map<String, Integer> byStore) {
    gauges.keySet().removeIf(store -> {
      if (byStore.containsKey(store)) {
        return false;
      }
      registry.remove(gauges.get(store));
      underReplicated.remove(store);
      return true;
    });
    byStore.forEach((store, count) -> underReplicated.computeIfAbsent(store, s -> {
      AtomicInteger value = new AtomicInteger();
      gauges.put(s, Gauge.builder(prefix + "under.replicated.partitions", value,
              AtomicInteger::get).tag("store", s).strongReference(true)
          .description("Partitions of the store's online versions with fewer healthy replicas"
              + " than their replication factor, at the last run")
          .register(registry));
      return value;
    }).set(count));
  }
}
