package dev.venice.spi.plugin;

import dev.venice.spi.config.ConfigKey;
import java.util.List;

/**
 * The service a plugin jar provides. Implementations need a public no-argument constructor and must
 * do nothing expensive before {@link #start}: a host instantiates every plugin it finds, enabled or
 * not, to read its descriptor and keys.
 */
public interface VenicePlugin {
  /** The plugin's id, version and the SPI versions it supports. */
  PluginDescriptor descriptor();

  /**
   * The configuration keys the plugin accepts below {@code plugins.<id>.} (besides {@code
   * enabled}, which the host owns). Any other key is refused at startup.
   */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * Starts the plugin: read the configuration, create meters, and add hooks to {@code extensions}.
   * Called once, with the thread context class loader set to the plugin's class loader. If it
   * throws, the host marks the plugin failed, discards what it added, and goes on without it.
   */
  void start(PluginContext context, Extensions extensions) throws Exception;

  /** Stops the plugin and releases what it holds. Called once, after its hooks are removed. */
  default void stop() throws Exception {}
}
