package dev.venice.runtime.common.plugin;

/**
 * One row of the plugin listing (the CLI's {@code venice plugins list} and {@code /plugins}).
 *
 * @param id the plugin id (or, for a jar or directory that is not a valid plugin, its file name)
 * @param version the plugin's version, {@code ""} when unknown
 * @param spiVersionRange the SPI range it declared, {@code ""} when unknown
 * @param description what it does, {@code ""} when unknown
 * @param state where it stands
 * @param source where it came from: its plugin directory or class-path location
 * @param message why it failed or is disabled; {@code ""} when started
 */
public record PluginInfo(
    String id,
    String version,
    String spiVersionRange,
    String description,
    PluginState state,
    String source,
    String message) {}
