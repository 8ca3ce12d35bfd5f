package dev.venice.spi.plugin;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
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
   * Rules across keys (for example "min-delay at most delay"): throw a {@link ConfigException}
   * naming the keys and what is allowed. Each key's own format is checked before this is called.
   * The host calls it on the process configuration before {@link #start} (a refusal fails the
   * plugin), on each store's settings when they change (a refusal keeps the last good ones), and
   * the controller calls it on {@code store update} for every plugin it can see, whatever kind of
   * process the plugin runs in, so a bad store setting is refused before it is stored. It must be
   * a pure function of {@code config}, cheap, and must not depend on {@link #start} having run.
   *
   * @param config a configuration with the plugin's declared keys parsed
   * @throws ConfigException when the combination is not allowed
   * @since 1.1.0
   */
  default void validate(PluginConfig config) throws ConfigException {}

  /**
   * Starts the plugin: read the configuration, create meters, and add hooks to {@code extensions}.
   * Called once, with the thread context class loader set to the plugin's class loader. If it
   * throws, the host marks the plugin failed, discards what it added, and goes on without it.
   */
  void start(PluginContext context, Extensions extensions) throws Exception;

  /** Stops the plugin and releases what it holds. Called once, after its hooks are removed. */
  default void stop() throws Exception {}
}
