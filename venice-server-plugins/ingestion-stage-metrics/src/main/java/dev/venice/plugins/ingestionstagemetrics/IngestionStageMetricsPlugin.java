package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code ingestion-stage-metrics} server plugin, wiring only: its descriptor, its keys ({@link
 * IngestionStageMetricsConfig}) and, at start, the {@link StageTimingHook} (the ingestion hook
 * that records each stage's time per partition replica and merges it into the store's meters) and
 * the {@link IngestionStageMetricsEndpoint} serving the stores' breakdowns.
 */
public final class IngestionStageMetricsPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("ingestion-stage-metrics", "1.0.0", "[1.5,2.0)",
        "per store, the time of each ingestion stage (p50, p99, mean, records/s), recorded per"
            + " partition replica and merged into the meters in batches",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return IngestionStageMetricsConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    Duration window = context.config().get(IngestionStageMetricsConfig.WINDOW);
    StageTimingHook hook = new StageTimingHook(
        context.storeSettings(IngestionStageMetricsConfig::from), window.toNanos(),
        context.time(), context.meterRegistry(), context.metricPrefix());
    extensions.addIngestionHook(hook).addHttpEndpoint(new IngestionStageMetricsEndpoint(hook,
        context.host().storeMetadata(), context.host().instanceId(), context.time(),
        window.toMillis() / 1e3));
  }
}
