package dev.venice.runtime.common.plugin;

import java.util.Locale;

/**
 * Why a host refused a plugin (state {@link PluginState#FAILED}): the {@code reason} tag of {@code
 * venice.plugins.failures} and the {@code reason} field of {@code /plugins}.
 */
public enum RefusalReason {
  /** The descriptor is missing or malformed (id, version, SPI range). */
  DESCRIPTOR,
  /** Another plugin with the same id was found first. */
  DUPLICATE,
  /** The plugin's SPI range excludes this host's SPI version. */
  SPI_RANGE,
  /** An unknown key, a bad value, or a rule across keys refused its configuration. */
  CONFIG,
  /** Its {@code start} threw. */
  START,
  /** A plugin-directory entry holds no plugin (or several), or its service entry is broken. */
  NOT_A_PLUGIN,
  /** A plugin directory could not be read. */
  UNREADABLE,
  /** The configuration names a plugin id no plugin has. */
  UNKNOWN_PLUGIN;

  /** The tag value: lower case with dashes, e.g. {@code spi-range}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
