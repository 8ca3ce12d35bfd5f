package dev.venice.plugins.datafreshness;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code data-freshness} server plugin, wiring only: its descriptor, its keys ({@link
 * DataFreshnessConfig}) and, at start, the {@link ProducerTimestampHook} (per record, the
 * partition's newest producer timestamp), the {@link DataAgeSampler} (the background task that
 * turns them into each hybrid store's data age), its {@link DataFreshnessMetrics} and the {@link
 * DataAgeEndpoint}.
 */
public final class DataFreshnessPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("data-freshness", "1.0.0", "[1.5,2.0)",
        "per hybrid store, data_age_ms: now minus the newest producer timestamp ingested in the"
            + " last window, sampled in the background, and each replica's data age",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DataFreshnessConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    DataFreshnessConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    DataFreshnessConfig config = DataFreshnessConfig.from(context.config());
    FreshnessTracker tracker = new FreshnessTracker(config.window().toNanos());
    DataFreshnessMetrics metrics = new DataFreshnessMetrics(context.meterRegistry(),
        context.metricPrefix(), tracker);
    DataAgeSampler sampler = new DataAgeSampler(tracker, config.sampleInterval(), context.time(),
        context.host().storeMetadata(), context::enabledForStore, metrics);
    extensions.addIngestionHook(new ProducerTimestampHook(tracker))
        .addBackgroundTask(sampler)
        .addHttpEndpoint(new DataAgeEndpoint(sampler, context.host().storeMetadata(),
            context::enabledForStore, context.host().instanceId(), config));
  }
}
