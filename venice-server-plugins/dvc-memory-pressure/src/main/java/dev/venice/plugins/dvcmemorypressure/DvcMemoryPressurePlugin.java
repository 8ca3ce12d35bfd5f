package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code dvc-memory-pressure} Da Vinci client plugin, wiring only: its descriptor, its keys
 * ({@link DvcMemoryPressureConfig}) and, at start, the {@link MemoryPressureTask} sampling the
 * host's RocksDB memory into the {@link MemoryPressureController} and its meters ({@link
 * DvcMemoryPressureMetrics}).
 */
public final class DvcMemoryPressurePlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("dvc-memory-pressure", "1.0.0", "[1.8,2.0)",
        "shrinks a Da Vinci client's shared RocksDB block cache under memory pressure and"
            + " restores it after", Set.of(ProcessKind.DA_VINCI_CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DvcMemoryPressureConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) throws ConfigException {
    DvcMemoryPressureConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    DvcMemoryPressureConfig config = context.storeSettings(DvcMemoryPressureConfig::from)
        .processWide();
    Optional<StorageStatsService> stats = context.host().storageStats();
    if (stats.isEmpty()) {
      context.logger().warn("dvc-memory-pressure: this host has no storage statistics: nothing"
          + " to watch");
      return;
    }
    MemoryPressureController controller = new MemoryPressureController(config.budgetBytes(),
        config.highWatermark(), config.lowWatermark(), config.floorBytes(), config.hold(),
        config.cooldown(), context.time());
    DvcMemoryPressureMetrics metrics = new DvcMemoryPressureMetrics(context.meterRegistry(),
        context.metricPrefix(), config.budgetBytes());
    extensions.addBackgroundTask(new MemoryPressureTask(stats.get(), controller, metrics,
        config.interval(), context.logger()));
  }
}
