package dev.venice.spi.plugin;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Identifies a plugin. The host refuses a plugin whose id is malformed or already taken, or whose
 * SPI range does not include the host's {@link dev.venice.spi.SpiVersion#CURRENT}; it starts a
 * plugin only in the {@link #processKinds() kinds of process} the plugin names.
 *
 * @param id lower-case letters, digits and dashes, e.g. {@code bloom-filter}; its configuration
 *     lives under {@code plugins.<id>.} and its directory is {@code plugins/<id>/}
 * @param version the plugin's own version, e.g. {@code 1.2.0}
 * @param spiVersionRange the SPI versions it works with, e.g. {@code [1.1,2.0)} (see {@link
 *     dev.venice.spi.VersionRange})
 * @param description one line on what the plugin does
 * @param processKinds the processes it runs in, at least one; elsewhere it is listed as not
 *     applicable and never started (since SPI 1.1.0)
 */
public record PluginDescriptor(String id, String version, String spiVersionRange,
    String description, Set<ProcessKind> processKinds) {
  /** Checks for missing fields and copies; the host checks the formats and reports them by plugin. */
  public PluginDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(spiVersionRange, "spiVersionRange");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(processKinds, "processKinds");
    if (processKinds.isEmpty()) {
      throw new IllegalArgumentException("plugin " + id + " names no process kind to run in");
    }
    processKinds = Set.copyOf(processKinds);
  }

  /**
   * A descriptor as SPI 1.0 plugins build it: without process kinds, so the plugin may run in every
   * kind of process (a 1.0 plugin keeps its 1.0 behaviour on a 1.1 host).
   */
  public PluginDescriptor(String id, String version, String spiVersionRange, String description) {
    this(id, version, spiVersionRange, description, EnumSet.allOf(ProcessKind.class));
  }

  /** Whether the plugin runs in {@code kind} of process. */
  public boolean runsIn(ProcessKind kind) {
    return processKinds.contains(kind);
  }
}
