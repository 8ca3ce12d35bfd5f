package dev.venice.spi.plugin;


/**
 * A plugin's typed settings per store, kept by the host (from {@link
 * PluginContext#storeSettings}). For each store the host layers the store's {@code
 * plugins.<id>.<key>} settings over the process's configuration, runs the plugin's {@link
 * VenicePlugin#validate checks}, and builds the typed object once; it rebuilds it when the store's
 * metadata changes (within one metadata refresh, no restart). Requests read a ready object: no
 * parsing, no plugin-made caches.
 *
 * <p>A bad store value never reaches a request: the host keeps the store's last good settings (the
 * process-wide ones before any good store value), counts {@code
 * venice.plugins.settings.errors{plugin,store}} and shows the error in {@code /plugins}.
 * Thread-safe; {@link #get} never throws.
 *
 * @param <S> the plugin's settings type (usually its {@code <X>Config} record)
 */
public interface StoreSettings<S> {
  /**
   * The settings for {@code store}; the process-wide settings for a store the host does not know
   * (or cannot read right now). Never throws.
   */
  S get(String store);

  /** The process-wide settings (no store overrides). */
  S processWide();
}
