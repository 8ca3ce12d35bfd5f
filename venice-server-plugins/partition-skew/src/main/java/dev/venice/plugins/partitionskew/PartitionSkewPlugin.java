package dev.venice.plugins.partitionskew;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code partition-skew} plugin, wiring only: its descriptor (servers and controllers), its
 * keys ({@link PartitionSkewConfig}) and, at start,
 *
 * <ul>
 *   <li>on a server: the {@link StatsSnapshots} of the host's storage statistics, the {@link
 *       StatsSnapshotTask} refreshing them every {@code stats-interval} and the {@link
 *       PartitionsEndpoint} serving them;
 *   <li>on a controller: the {@link SkewAggregator} over the host's cluster view, the {@link
 *       PushSkewChecker} started by the {@link PushSkewHook} when a push goes online, and the
 *       {@link SkewEndpoint}.
 * </ul>
 */
public final class PartitionSkewPlugin implements VenicePlugin {
  /**
   * The delay before the end-of-push check's second gather while partitions are missing; doubled
   * for each further one, up to {@link #MAX_RETRY_DELAY}.
   */
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  /** The longest delay between two gathers of the end-of-push check. */
  static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(16);

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("partition-skew", "1.0.0", "[1.4,2.0)",
        "per-partition record counts and bytes gathered from servers and the controller's skew"
            + " report", Set.of(ProcessKind.SERVER, ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return PartitionSkewConfig.KEYS;
  }

  /**
   * @throws IllegalStateException on a controller whose host offers no cluster view
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    StoreSettings<PartitionSkewConfig> settings =
        context.storeSettings(PartitionSkewConfig::from);
    PartitionSkewConfig process = settings.processWide();
    if (ProcessKind.fromId(context.host().processKind()) == ProcessKind.SERVER) {
      Supplier<List<PartitionStats>> source = context.host().storageStats()
          .<Supplier<List<PartitionStats>>>map(s -> s::partitions).orElse(List::of);
      StatsSnapshots snapshots = new StatsSnapshots(source, context.time());
      PartitionSkewMetrics.server(context.meterRegistry(), context.metricPrefix(), snapshots);
      extensions.addBackgroundTask(new StatsSnapshotTask(snapshots, process.statsInterval()))
          .addHttpEndpoint(new PartitionsEndpoint(snapshots, context.scheduler(),
              process.refreshTimeout(), context.host().instanceId()));
    } else {
      ClusterView view = context.host().cluster().orElseThrow(() -> new IllegalStateException(
          "partition-skew needs the host's cluster view, which this "
              + context.host().processKind() + " does not offer"));
      PartitionSkewMetrics metrics = PartitionSkewMetrics.controller(context.meterRegistry(),
          context.metricPrefix());
      SkewAggregator aggregator = new SkewAggregator(view, context.pluginId(),
          process.gatherTimeout(), context.time(), context.scheduler());
      PushSkewChecker checker = new PushSkewChecker(aggregator, settings::get,
          context.scheduler(), context.time(), RETRY_DELAY, MAX_RETRY_DELAY, metrics,
          context.logger());
      extensions.addAdminMutationHook(new PushSkewHook(checker)).addHttpEndpoint(
          new SkewEndpoint(aggregator, checker, context.host().storeMetadata(), metrics));
    }
  }
}
