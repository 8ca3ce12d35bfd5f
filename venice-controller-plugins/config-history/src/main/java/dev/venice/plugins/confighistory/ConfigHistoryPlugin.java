package dev.venice.plugins.confighistory;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code config-history} controller plugin, wiring only: its descriptor, its keys ({@link
 * ConfigHistoryConfig}) and, at start, the {@link StoreConfigHistory} on the controller's
 * ZooKeeper state store (SPI 1.6 {@code PluginContext.controller()}), the {@link
 * ConfigHistoryHook} that appends every successful store-config mutation to it, and the {@link
 * ConfigHistoryEndpoint} that serves it. Runs on controllers only; switched off for a store
 * ({@code plugins.config-history.enabled=false} in its settings), that store's mutations are not
 * recorded (its history stays readable).
 */
public final class ConfigHistoryPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("config-history", "1.0.0", "[1.6,2.0)",
        "the last N configurations of every store, with who changed what, in ZooKeeper",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigHistoryConfig.KEYS;
  }

  /**
   * @throws IllegalStateException when the host offers no controller services (a controller of
   *     SPI 1.5 or older)
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(() -> new IllegalStateException(
        "config-history needs a controller with plugin state (SPI 1.6 or newer)"));
    ConfigHistoryMetrics metrics = new ConfigHistoryMetrics(context.meterRegistry(),
        context.metricPrefix());
    StoreConfigHistory history = new StoreConfigHistory(controller.stateStore(),
        ConfigHistoryConfig.from(context.config()).maxEntries(), PluginStateStore.MAX_DATA_BYTES,
        metrics, context.time());
    extensions.addAdminMutationHook(new ConfigHistoryHook(history, metrics, context.logger(),
            context.time()))
        .addHttpEndpoint(new ConfigHistoryEndpoint(history));
  }
}
