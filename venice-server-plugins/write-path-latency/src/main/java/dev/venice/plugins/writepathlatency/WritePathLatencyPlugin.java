package dev.venice.plugins.writepathlatency;

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
 * The {@code write-path-latency} plugin, wiring only: its descriptor (servers, SPI 1.5 for the
 * records' headers and leader flag), its keys ({@link WritePathLatencyConfig}) and, at start, the
 * {@link WritePathLatencyMetrics} and the {@link WritePathLatencyHook} added as an ingestion hook.
 * Nothing to close.
 */
public final class WritePathLatencyPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("write-path-latency", "1.0.0", "[1.5,2.0)",
        "per store, histograms of the hops of sampled real-time writes (Kafka queue, leader"
            + " processing, end to end, follower replication) from their write-path timestamps",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return WritePathLatencyConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    WritePathLatencyConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    WritePathLatencyConfig config = WritePathLatencyConfig.from(context.config());
    WritePathLatencyMetrics metrics = new WritePathLatencyMetrics(context.meterRegistry(),
        context.metricPrefix(), config.maxStores());
    extensions.addIngestionHook(new WritePathLatencyHook(metrics, context.time()));
  }

  @Override
  public void stop() {}
}
