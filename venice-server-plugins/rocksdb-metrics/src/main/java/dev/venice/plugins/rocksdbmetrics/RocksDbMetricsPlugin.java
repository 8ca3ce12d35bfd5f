package dev.venice.plugins.rocksdbmetrics;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code rocksdb-metrics} server plugin, wiring only: its descriptor, its keys ({@link
 * RocksDbMetricsConfig}) and, at start, the {@link RocksDbMetricsTask} that samples the engine
 * statistics of the server's replicas ({@link EngineStatsSampler}) into the meters ({@link
 * RocksDbMetricsMetrics}), and the {@link RocksDbMetricsEndpoint} serving the last sample.
 */
public final class RocksDbMetricsPlugin implements VenicePlugin {
  private final Function<HostServices, Optional<StorageStatsService>> storageStats;

  /** The plugin as a server loads it: engine statistics from the host's storage-stats service. */
  public RocksDbMetricsPlugin() {
    this(HostServices::storageStats);
  }

  /** For tests: engine statistics from another source than the host's. */
  RocksDbMetricsPlugin(Function<HostServices, Optional<StorageStatsService>> storageStats) {
    this.storageStats = storageStats;
  }

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("rocksdb-metrics", "1.0.0", "[1.5,2.0)",
        "RocksDB compaction, flush, per-level SST and block-cache statistics per store (per"
            + " partition on opt-in), sampled in the background",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return RocksDbMetricsConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    var settings = context.storeSettings(RocksDbMetricsConfig::from);
    Optional<StorageStatsService> stats = storageStats.apply(context.host());
    EngineStatsSampler sampler = new EngineStatsSampler(
        () -> stats.map(StorageStatsService::engineStats).orElse(List.of()).stream()
            .filter(replica -> context.enabledForStore(replica.store())).toList(),
        store -> settings.get(store).perPartition(), context.time());
    RocksDbMetricsMetrics metrics = new RocksDbMetricsMetrics(context.meterRegistry(),
        context.metricPrefix());
    extensions.addBackgroundTask(new RocksDbMetricsTask(sampler, metrics,
        settings.processWide().sampleInterval(), stats.isPresent(), context.logger()))
        .addHttpEndpoint(new RocksDbMetricsEndpoint(metrics, context.host().storeMetadata(),
            context.host().instanceId()));
  }
}
