package dev.venice.plugins.tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.<process>.tracing.}),
 * created once per plugin instance (one per process, one per client on clients), never per
 * request. Thread-safe.
 */
final class TracingMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  final Counter startedSampled;
  final Counter startedUnsampled;
  final Counter exported;
  final Counter exportFailed;
  private volatile LongSupplier dropped = () -> 0;

  /** @param prefix the host-given meter prefix, ending with a dot */
  TracingMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
    this.startedSampled = started(registry, prefix, "true");
    this.startedUnsampled = started(registry, prefix, "false");
    this.exported = Counter.builder(prefix + "spans.exported")
        .description("Spans the OTLP receiver accepted").register(registry);
    this.exportFailed = Counter.builder(prefix + "spans.export.failed")
        .description("Spans in exports that failed (receiver unreachable, refused, timed out)")
        .register(registry);
  }

  private static Counter started(MeterRegistry registry, String prefix, String sampled) {
    return Counter.builder(prefix + "spans.started")
        .description("Spans started by the plugin, by sampling decision (sampled ones are"
            + " recorded and exported)").tag("sampled", sampled).register(registry);
  }

  /**
   * Registers the meters read from the SDK's batch span processor.
   *
   * @param dropped finished spans dropped because the export queue was full
   * @param queued finished spans waiting for export now
   */
  void exportQueue(LongSupplier dropped, LongSupplier queued) {
    this.dropped = dropped;
    // read through this object, which the SDK keeps: a lambda held only by the registry
    // (weakly) would be collected, and the counter would stop at its last value
    FunctionCounter.builder(prefix + "spans.dropped", this, metrics -> metrics.dropped.getAsLong())
        .description("Finished spans dropped because the export queue was full")
        .register(registry);
    Gauge.builder(prefix + "queue.size", queued::getAsLong)
        .description("Finished spans waiting for export").register(registry);
  }
}
