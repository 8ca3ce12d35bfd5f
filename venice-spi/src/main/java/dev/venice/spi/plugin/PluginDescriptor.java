package dev.venice.spi.plugin;

import java.util.Objects;

/**
 * Identifies a plugin. The host refuses a plugin whose id is malformed or already taken, or whose
 * SPI range does not include the host's {@link dev.venice.spi.SpiVersion#CURRENT}.
 *
 * @param id lower-case letters, digits and dashes, e.g. {@code bloom-filter}; its configuration
 *     lives under {@code plugins.<id>.} and its directory is {@code plugins/<id>/}
 * @param version the plugin's own version, e.g. {@code 1.2.0}
 * @param spiVersionRange the SPI versions it works with, e.g. {@code [1.0,2.0)} (see {@link
 *     dev.venice.spi.VersionRange})
 * @param description one line on what the plugin does
 */
public record PluginDescriptor(String id, String version, String spiVersionRange,
    String description) {
  /** Checks for missing fields; the host checks the formats and reports them by plugin. */
  public PluginDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(spiVersionRange, "spiVersionRange");
    Objects.requireNonNull(description, "description");
  }
}
