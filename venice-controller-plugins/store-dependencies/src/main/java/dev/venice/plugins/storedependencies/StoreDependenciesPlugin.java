package dev.venice.plugins.storedependencies;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code store-dependencies} controller plugin, wiring only: its descriptor, its key ({@link
 * StoreDependenciesConfig}, set per store) and, at start, the {@link UpstreamSource} over the
 * controller's store metadata (its recorded writes forgotten on every leadership change, SPI 1.6
 * {@code PluginContext.controller()}), the {@link DependencyGuard} that refuses self-references,
 * unknown upstream stores and cycles and warns about deleting an upstream store, and the {@link
 * StoreDependenciesEndpoint}. Runs on controllers only; switched off for a store ({@code
 * plugins.store-dependencies.enabled=false} in its settings), that store's changes and deletion
 * are not checked (its declaration still counts in the graph).
 */
public final class StoreDependenciesPlugin implements VenicePlugin {
  private volatile Subscription leadership;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("store-dependencies", "1.0.0", "[1.6,2.0)",
        "which stores each store reads from: cycles refused, deleting an upstream store warned"
            + " about, the graph as JSON and an ASCII DAG",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return StoreDependenciesConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) throws ConfigException {
    StoreDependenciesConfig.validate(config);
  }

  /**
   * @throws IllegalStateException when the host offers no store metadata or no controller services
   *     (a controller of SPI 1.5 or older)
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(() -> new IllegalStateException(
        "store-dependencies needs a controller with controller services (SPI 1.6 or newer)"));
    StoreMetadataService stores = context.host().storeMetadata().orElseThrow(() ->
        new IllegalStateException("store-dependencies needs the host's store metadata"));
    UpstreamSource source = new UpstreamSource(stores);
    leadership = controller.onLeadershipChange(change -> source.forgetWrites());
    StoreDependenciesMetrics metrics = new StoreDependenciesMetrics(context.meterRegistry(),
        context.metricPrefix());
    extensions.addAdminMutationHook(new DependencyGuard(source, metrics, context.time(),
            context.logger()))
        .addHttpEndpoint(new StoreDependenciesEndpoint(source));
  }

  @Override
  public void stop() throws Exception {
    Subscription s = leadership;
    if (s != null) {
      s.close();
    }
  }
}
