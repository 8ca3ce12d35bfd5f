package dev.venice.plugins.replicationrepair;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code replication-repair} controller plugin, wiring only: its descriptor, its keys ({@link
 * ReplicationRepairConfig}; {@code dry-run} per store) and, at start, the {@link
 * ReplicationFactorRepairTask} (run by the host every {@code interval}, acting on the leader only)
 * with its {@link RepairDecider} and {@link ReplicationRepairMetrics}, and the {@link
 * ReplicationRepairEndpoint} serving its last report. Needs a controller of SPI 1.7 or newer
 * (store versions and admin actions).
 */
public final class ReplicationRepairPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("replication-repair", "1.0.0", "[1.7,2.0)",
        "finds partitions with fewer healthy replicas than their replication factor and starts a"
            + " targeted Helix rebalance of their resource, rate-limited, never during a push",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ReplicationRepairConfig.KEYS;
  }

  /**
   * @throws IllegalStateException when the host offers no controller services, store metadata or
   *     cluster view
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(() -> new IllegalStateException(
        "replication-repair needs a controller with controller services (SPI 1.7 or newer)"));
    StoreMetadataService stores = context.host().storeMetadata().orElseThrow(() ->
        new IllegalStateException("replication-repair needs the host's store metadata"));
    ClusterView cluster = context.host().cluster().orElseThrow(() -> new IllegalStateException(
        "replication-repair needs the host's cluster view (live servers, external view)"));
    StoreSettings<ReplicationRepairConfig> settings =
        context.storeSettings(ReplicationRepairConfig::from);
    ReplicationRepairConfig process = settings.processWide();
    RepairDecider decider = new RepairDecider(context.time(), process.rebalanceInterval(),
        process.gracePeriod(), process.cooldown());
    ReplicationFactorRepairTask task = new ReplicationFactorRepairTask(controller, stores,
        cluster, context::enabledForStore, store -> settings.get(store).dryRun(), decider,
        new ReplicationRepairMetrics(context.meterRegistry(), context.metricPrefix()),
        process.interval(), context.time(), context.logger(), context.host().instanceId());
    extensions.addBackgroundTask(task)
        .addHttpEndpoint(new ReplicationRepairEndpoint(task::lastReport, controller,
            context.host().instanceId()));
  }
}
