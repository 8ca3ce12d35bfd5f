package dev.venice.spi.plugin;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.HostServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;

/** What the host gives a plugin at start. */
public interface PluginContext {
  /** The plugin's id. */
  String pluginId();

  /** The plugin's validated process-wide configuration ({@code plugins.<id>.*}). */
  PluginConfig config();

  /**
   * The configuration for one store: the store's {@code plugins.<id>.*} settings (from its
   * metadata on the controller) layered over {@link #config()}. Reflects the latest metadata, so
   * calling it again after a change sees the change.
   *
   * @throws ConfigException when the store's settings hold an unknown key or a bad value
   */
  PluginConfig configForStore(String store);

  /**
   * The host's meter registry; meters are exported at {@code /metrics}. Name meters {@code
   * venice.<component>.<feature>.<measure>} and create them once, not per request.
   */
  MeterRegistry meterRegistry();

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
}
