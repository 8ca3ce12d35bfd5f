package dev.venice.plugins.partitionskew;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's meters, all under the host-given prefix: on a server ({@code
 * venice.server.partition.skew.}) the snapshots taken and the partition replicas in the latest;
 * on a controller ({@code venice.controller.partition.skew.}) the end-of-push checks by result,
 * the warnings by store and the servers that did not answer a gather. Meters are created once
 * (the per-store warning counter on a store's first warning). Thread-safe.
 */
final class PartitionSkewMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final Map<String, Counter> checks = new ConcurrentHashMap<>();
  private final Map<String, Counter> warnings = new ConcurrentHashMap<>();
  private Counter unanswered;

  private PartitionSkewMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  /** A server's meters, read from {@code snapshots} when exported. */
  static PartitionSkewMetrics server(MeterRegistry registry, String prefix,
      StatsSnapshots snapshots) {
    FunctionCounter.builder(prefix + "snapshots", snapshots, StatsSnapshots::taken)
        .description("Snapshots of the storage stats taken").register(registry);
    Gauge.builder(prefix + "snapshot.partitions", snapshots,
        s -> s.current().partitions().size())
        .description("Partition replicas in the latest snapshot").register(registry);
    return new PartitionSkewMetrics(registry, prefix);
  }

  /** A controller's meters. */
  static PartitionSkewMetrics controller(MeterRegistry registry, String prefix) {
    PartitionSkewMetrics metrics = new PartitionSkewMetrics(registry, prefix);
    for (String result : PushSkewChecker.RESULTS) {
      metrics.checks.put(result, Counter.builder(prefix + "push.checks").tag("result", result)
          .description("End-of-push skew checks by result").register(registry));
    }
    metrics.unanswered = Counter.builder(prefix + "gather.unanswered")
        .description("Servers that did not answer a gather (timeout, error, no plugin)")
        .register(registry);
    return metrics;
  }

  /** Controllers: an end-of-push check ended with {@code result}. */
  void checked(String result) {
    Counter counter = checks.get(result);
    if (counter != null) {
      counter.increment();
    }
  }

  /** Controllers: a push of {@code store} was warned about. */
  void warned(String store) {
    warnings.computeIfAbsent(store, s -> Counter.builder(prefix + "push.warnings")
        .tag("store", s).description("End-of-push skew warnings").register(registry))
        .increment();
  }

  /** Controllers: {@code n} servers did not answer a gather. */
  void unanswered(int n) {
    if (unanswered != null && n > 0) {
      unanswered.increment(n);
    }
  }
}
