package dev.venice.runtime.common.plugin;

import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One started plugin's per-store state, kept by the host: whether the plugin is on for each store
 * (the store's {@code plugins.<id>.enabled}, else the process's {@code
 * plugins.<id>.stores-enabled-by-default}) and the {@link HostStoreSettings} objects it asked for.
 * Rebuilt from store metadata listener callbacks; a bad store value keeps the last good state and is
 * counted in {@code venice.plugins.settings.errors{plugin,store}} and listed by {@link #errors()}.
 *
 * <p>{@link #generation()} changes whenever any store's state changes, so callers can cache
 * per-store decisions and re-check them with one volatile read. Thread-safe.
 */
final class PluginStores implements AutoCloseable {
  /** The store-level switch, in a store's plugin settings ({@code plugins.<id>.enabled}). */
  static final String ENABLED = "enabled";

  private final String pluginId;
  private final boolean onByDefault;
  private final StoreMetadataService metadata;
  private final MeterRegistry registry;
  private final AtomicInteger generation;
  private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final List<HostStoreSettings<?>> settings = new CopyOnWriteArrayList<>();
  private final Subscription subscription;

  /**
   * @param metadata the host's store metadata, or {@code null} on a host without any (every store
   *     then gets the process-wide state)
   * @param generation shared by every plugin of the host, incremented on any change
   */
  PluginStores(String pluginId, boolean onByDefault, StoreMetadataService metadata,
      MeterRegistry registry, AtomicInteger generation) {
    this.pluginId = pluginId;
    this.onByDefault = onByDefault;
    this.metadata = metadata;
    this.registry = registry;
    this.generation = generation;
    this.subscription = metadata == null ? () -> {} : metadata.addListener(this::changed);
  }

  String pluginId() {
    return pluginId;
  }

  /** Changes whenever a store's switch or settings may have changed. */
  int generation() {
    return generation.get();
  }

  /** Whether the plugin is on for {@code store}. Never throws; a map lookup once known. */
  boolean enabledFor(String store) {
    Boolean on = enabled.get(store);
    if (on != null) {
      return on;
    }
    Optional<StoreInfo> info;
    try {
      info = storeInfo(store);
    } catch (RuntimeException e) { // metadata unreadable right now: the default, not cached
      return onByDefault;
    }
    // stored under the map's lock for the key: a listener's newer value is never overwritten
    return enabled.computeIfAbsent(store, s -> decide(s, info, onByDefault));
  }

  /** The plugin's settings for {@code store}, keyed relative to {@code plugins.<id>.}, without
   * the host-owned switch. */
  Map<String, String> rawSettings(StoreInfo info) {
    Map<String, String> raw = new TreeMap<>(info.settingsFor(pluginId));
    raw.remove(ENABLED);
    return raw;
  }

  Optional<StoreInfo> storeInfo(String store) {
    return metadata == null ? Optional.empty() : metadata.store(store);
  }

  void register(HostStoreSettings<?> storeSettings) {
    settings.add(storeSettings);
  }

  /** The stores the plugin is switched off for, among those seen so far, sorted. */
  List<String> switchedOff() {
    return enabled.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
        .sorted().toList();
  }

  /** Stores whose settings were refused, with why; the last good settings stay in use. */
  Map<String, String> errors() {
    return Map.copyOf(new TreeMap<>(errors));
  }

  /** Records a refused store value; the store's errors are cleared when its metadata changes. */
  void error(String store, String message) {
    errors.merge(store, message, (a, b) -> a.equals(b) ? a : a + "; " + b);
    Counter.builder("venice.plugins.settings.errors")
        .description("Store plugin settings refused at run time; the last good settings stay")
        .tag("plugin", pluginId).tag("store", store).register(registry).increment();
  }

  private void changed(StoreInfo info) {
    try {
      errors.remove(info.name());
      Boolean previous = enabled.get(info.name());
      enabled.put(info.name(), decide(info.name(), Optional.of(info),
          previous != null ? previous : onByDefault));
      for (HostStoreSettings<?> storeSettings : settings) {
        try {
          storeSettings.refresh(info);
        } catch (RuntimeException | Error e) { // refresh contains the plugin's own failures
          error(info.name(), "rebuilding the settings failed: " + e);
        }
      }
    } finally {
      generation.incrementAndGet(); // cached per-store decisions are re-checked, whatever happened
    }
  }

  private boolean decide(String store, Optional<StoreInfo> info, boolean lastGood) {
    String raw = info.map(i -> i.settingsFor(pluginId).get(ENABLED)).orElse(null);
    if (raw == null) {
      return onByDefault;
    }
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    error(store, "bad value '" + raw + "' for plugins." + pluginId + "." + ENABLED
        + ": expected true or false; keeping " + lastGood);
    return lastGood;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
