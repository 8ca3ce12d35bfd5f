package dev.venice.plugins.hotpartitions;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code hot-partitions} plugin, wiring only: its descriptor (servers and controllers), its
 * keys ({@link HotPartitionsConfig}) and, at start, on a server the {@link PartitionRates} fed by
 * {@link HotPartitionsReadHook}, served by {@link HotPartitionsRatesEndpoint} and exported by
 * {@link HotPartitionsGaugeTask}; on a controller
 * the {@link SkewMonitor} run by {@link HotPartitionsTask} and served by {@link
 * HotPartitionsSkewEndpoint}.
 */
public final class HotPartitionsPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("hot-partitions", "1.0.0", "[1.4,2.0)",
        "per-partition read rates on servers and the controller's hot-partition detection",
        Set.of(ProcessKind.SERVER, ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HotPartitionsConfig.KEYS;
  }

  /**
   * @throws IllegalStateException on a controller without the cluster view or store metadata
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    HotPartitionsConfig config = HotPartitionsConfig.from(context.config());
    if (ProcessKind.fromId(context.host().processKind()) == ProcessKind.SERVER) {
      PartitionRates rates = new PartitionRates(context.time(), config.rateWindow(),
          config.maxTrackedPartitions());
      HotPartitionsMetrics.Server metrics = new HotPartitionsMetrics.Server(
          context.meterRegistry(), context.metricPrefix(), rates::rates,
          config.partitionRateGauges());
      extensions.addReadHook(new HotPartitionsReadHook(rates)).addHttpEndpoint(
          new HotPartitionsRatesEndpoint(rates, context.host().instanceId()));
      if (config.partitionRateGauges() > 0) {
        extensions.addBackgroundTask(new HotPartitionsGaugeTask(metrics, config.rateWindow()));
      }
      return;
    }
    ClusterView cluster = context.host().cluster().orElseThrow(() -> new IllegalStateException(
        "hot-partitions needs the host's cluster view, which this "
            + context.host().processKind() + " does not offer"));
    StoreMetadataService metadata = context.host().storeMetadata().orElseThrow(() ->
        new IllegalStateException("hot-partitions needs the host's store metadata, which this "
            + context.host().processKind() + " does not offer"));
    SkewMonitor monitor = new SkewMonitor(cluster, metadata, context::enabledForStore,
        context.storeSettings(HotPartitionsConfig::from), config.serverTimeout(), context.time(),
        context.logger(), new HotPartitionsMetrics.Controller(context.meterRegistry(),
            context.metricPrefix()));
    extensions.addBackgroundTask(new HotPartitionsTask(monitor, config.evaluationInterval()))
        .addHttpEndpoint(new HotPartitionsSkewEndpoint(monitor, metadata));
  }
}
