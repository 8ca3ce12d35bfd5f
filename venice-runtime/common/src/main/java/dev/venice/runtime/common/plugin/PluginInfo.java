package dev.venice.runtime.common.plugin;

import java.util.List;
import java.util.Map;

/**
 * One row of the plugin listing (the CLI's {@code venice plugins list} and {@code /plugins}).
 *
 * @param id the plugin id (or, for a jar or directory that is not a valid plugin, its file name)
 * @param version the plugin's version, {@code ""} when unknown
 * @param spiVersionRange the SPI range it declared, {@code ""} when unknown
 * @param description what it does, {@code ""} when unknown
 * @param state where it stands
 * @param source where it came from: its plugin directory or class-path location
 * @param message why it failed, is disabled or not applicable; {@code ""} when started
 * @param reason why it was refused, {@code null} unless {@link PluginState#FAILED}
 * @param processKinds the process kinds it runs in (ids such as {@code server}), empty when unknown
 * @param storeErrors stores whose plugin settings were refused at run time, with why (the last good
 *     settings stay in use)
 * @param storesOff the stores a started plugin is switched off for, among those this process has
 *     seen (every other store follows the process's default: on, unless {@code
 *     plugins.<id>.stores-enabled-by-default=false})
 */
public record PluginInfo(
    String id,
    String version,
    String spiVersionRange,
    String description,
    PluginState state,
    String source,
    String message,
    RefusalReason reason,
    List<String> processKinds,
    Map<String, String> storeErrors,
    List<String> storesOff) {
  /** Copies the collections. */
  public PluginInfo {
    processKinds = List.copyOf(processKinds);
    storeErrors = Map.copyOf(storeErrors);
    storesOff = List.copyOf(storesOff);
  }

  /** This row with another state and message (and no refusal reason). */
  PluginInfo with(PluginState newState, String newMessage) {
    return new PluginInfo(id, version, spiVersionRange, description, newState, source, newMessage,
        null, processKinds, storeErrors, storesOff);
  }

  /** This row with a started plugin's current per-store state. */
  PluginInfo withStores(Map<String, String> errors, List<String> off) {
    return new PluginInfo(id, version, spiVersionRange, description, state, source, message,
        reason, processKinds, errors, off);
  }
}
