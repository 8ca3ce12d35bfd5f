package dev.venice.plugins.confighistory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.controller.config.history.}):
 * entries recorded by operation, entries dropped from a history by reason ({@code max-entries},
 * {@code size}, {@code unreadable}), entries stored without their full detail because one entry
 * alone would not fit, appends that failed, the size of the history nodes written and the time an
 * append takes. Counters are created once per tag value, not per entry. Thread-safe.
 */
final class ConfigHistoryMetrics {
  /** An entry dropped because the history holds {@code max-entries}. */
  static final String MAX_ENTRIES = "max-entries";
  /** An entry dropped because the history would not fit in {@code PluginStateStore.MAX_DATA_BYTES}. */
  static final String SIZE = "size";
  /** A history node that could not be read and was started afresh (its entries counted as one). */
  static final String UNREADABLE = "unreadable";

  private final MeterRegistry registry;
  private final String prefix;
  private final Map<String, Counter> recorded = new ConcurrentHashMap<>();
  private final Map<String, Counter> rotated = new ConcurrentHashMap<>();
  private final Counter truncated;
  private final Counter failed;
  private final DistributionSummary nodeBytes;
  private final Timer appendTime;

  /** @param prefix the host-given meter prefix, ending with a dot */
  ConfigHistoryMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
    this.truncated = Counter.builder(prefix + "truncated")
        .description("History entries stored without their config snapshot (or change values)"
            + " because the entry alone would not fit in a ZooKeeper node")
        .register(registry);
    this.failed = Counter.builder(prefix + "failed")
        .description("Store-config mutations whose history entry could not be written")
        .register(registry);
    this.nodeBytes = DistributionSummary.builder(prefix + "node.bytes").baseUnit("bytes")
        .description("Size of the history node written by an append").register(registry);
    this.appendTime = Timer.builder(prefix + "append.time")
        .description("Time to append one entry to a store's history (read-modify-write, retries"
            + " included)").register(registry);
  }

  /** Counts an entry written, by its operation ({@code CREATE_STORE}, ...). */
  void recorded(String operation) {
    recorded.computeIfAbsent(operation, o -> Counter.builder(prefix + "recorded")
        .description("History entries written").tag("operation", o).register(registry))
        .increment();
  }

  /** Counts {@code count} entries dropped from a history for {@code reason}. */
  void rotated(String reason, int count) {
    if (count > 0) {
      rotated.computeIfAbsent(reason, r -> Counter.builder(prefix + "rotated")
          .description("History entries dropped, oldest first").tag("reason", r)
          .register(registry)).increment(count);
    }
  }

  /** Counts an entry stored with less than its full detail. */
  void truncated() {
    truncated.increment();
  }

  /** Counts a mutation whose entry was not written. */
  void failed() {
    failed.increment();
  }

  /** Records one append: the node's size afterwards and how long it took. */
  void appended(int bytes, long nanos) {
    nodeBytes.record(bytes);
    appendTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The name of the failed-appends counter, for log messages. */
  String failedName() {
    return prefix + "failed";
  }
}
