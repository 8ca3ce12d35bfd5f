package dev.venice.plugins.hotkeys;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.DoubleSupplier;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.hot.keys.}), read
 * from the summaries when exported: nothing is recorded per request. Thread-safe.
 */
final class HotKeysMetrics {
  /** Held here: Micrometer holds a function counter's object weakly (see the constructor). */
  private final DoubleSupplier updates;

  /**
   * Registers the meters.
   *
   * @param prefix the host-given meter prefix, ending with a dot
   * @param partitions the partition replicas with a summary now
   * @param updates the keys counted since start, summaries since dropped included (monotonic)
   */
  HotKeysMetrics(MeterRegistry registry, String prefix, DoubleSupplier partitions,
      DoubleSupplier updates) {
    this.updates = updates;
    Gauge.builder(prefix + "tracked.partitions", partitions::getAsDouble)
        .description("Partition replicas with a hot-key summary").register(registry);
    // the counter reads through this object, which its owner keeps: a method reference held
    // only by the registry (weakly) would be collected, and the counter would stop at its last
    // value
    FunctionCounter.builder(prefix + "updates", this, metrics -> metrics.updates.getAsDouble())
        .description("Key lookups counted by the hot-key summaries").register(registry);
  }
}
