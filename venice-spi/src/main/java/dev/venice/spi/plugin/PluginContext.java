package dev.venice.spi.plugin;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.host.HostServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * What the host gives a plugin at start. Implemented by hosts (and the SPI's test kit), not by
 * plugins; methods may be added in minor SPI versions.
 */
public interface PluginContext {
  /** The plugin's id. */
  String pluginId();

  /** The plugin's validated process-wide configuration ({@code plugins.<id>.*}). */
  PluginConfig config();

  /**
   * The configuration for one store: the store's {@code plugins.<id>.*} settings (from its
   * metadata on the controller) layered over {@link #config()}, parsed on every call.
   *
   * @throws ConfigException when the store's settings hold an unknown key or a bad value
   * @deprecated since 1.1.0: use {@link #storeSettings}, which the host keeps current, never throws
   *     and costs nothing per request
   */
  @Deprecated
  PluginConfig configForStore(String store);

  /**
   * Typed per-store settings kept current by the host: call once in {@link VenicePlugin#start} and
   * keep the result. {@code factory} turns a validated configuration into the plugin's settings
   * object; the host calls it for the process configuration now and for each store when its
   * settings change, on a host thread. A {@link ConfigException} (or any exception) from it counts
   * as a bad value (see {@link StoreSettings}).
   *
   * @param factory builds the settings object, e.g. {@code HedgingConfig::from}
   * @throws ConfigException when the process-wide configuration is refused by {@code factory}
   * @since 1.1.0
   */
  <S> StoreSettings<S> storeSettings(Function<PluginConfig, S> factory);

  /**
   * Whether the plugin is switched on for {@code store}: the store's {@code plugins.<id>.enabled}
   * setting, else the process's {@code plugins.<id>.stores-enabled-by-default} (default {@code
   * true}). The host already applies the switch to this plugin's decorators and read and
   * admin-mutation hooks at once, and to its ingestion hooks when a replica opens (a hook that saw
   * a replica open sees all its records); use this for work the host does not dispatch (background
   * tasks, endpoints). Never throws; a map lookup once the store is known (the first call for a
   * store may read its metadata).
   *
   * @since 1.1.0
   */
  boolean enabledForStore(String store);

  /**
   * The host's meter registry; meters are exported at {@code /metrics}. Name every meter under
   * {@link #metricPrefix()} and create meters once, not per request. One meter name always carries
   * the same tag keys (Prometheus drops a second tag-key set for a name).
   */
  MeterRegistry meterRegistry();

  /**
   * The prefix for this plugin's meter names: {@code venice.<process>.<plugin id with '.' for
   * '-'>.}, e.g. {@code venice.server.bloom.filter.} for {@code bloom-filter} on a server, where
   * {@code <process>} is the {@link ProcessKind#id()} with {@code '.'} for {@code '-'}. Ends with a
   * dot.
   *
   * @since 1.1.0
   */
  String metricPrefix();

  /** The clock to use instead of {@code System} calls, so tests can control time. */
  TimeSource time();

  /**
   * A single-threaded scheduler owned by the host for this plugin, shut down when the plugin stops.
   * Tasks run with the plugin's class loader as context class loader. As with any scheduler, a
   * periodic task that throws is not run again: use a {@link BackgroundTask} for guarded periodic
   * work.
   */
  ScheduledExecutorService scheduler();

  /** A logger named after the plugin. */
  Logger logger();

  /** Read-only host services. */
  HostServices host();

  /**
   * On a controller, this plugin's controller services: leadership changes and its own state in
   * ZooKeeper (see {@link ControllerHost}); empty on every other process and on hosts older than
   * SPI 1.6.
   */
  @dev.venice.spi.Experimental(since = "1.6.0")
  default Optional<ControllerHost> controller() {
    return Optional.empty();
  }

  /**
   * This plugin's own state in ZooKeeper ({@link dev.venice.spi.controller.PluginStateStore}) on
   * every process connected to the cluster's ZooKeeper: controllers (the same store as {@link
   * #controller()}'s), servers and routers, so a plugin's controller side can write what its other
   * processes read and {@linkplain dev.venice.spi.controller.PluginStateStore#watch watch} (an
   * authorizer's ACLs). Empty on clients and on hosts older than SPI 1.9 (there, a controller's
   * store is still reached through {@link #controller()}).
   *
   * @since 1.9.0
   */
  @dev.venice.spi.Experimental(since = "1.9.0")
  default Optional<dev.venice.spi.controller.PluginStateStore> stateStore() {
    return controller().map(dev.venice.spi.controller.ControllerHost::stateStore);
  }
}
