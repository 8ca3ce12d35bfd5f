package dev.venice.spi.plugin;

import dev.venice.spi.Experimental;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The rules by which one plugin's per-store state is kept, shared by hosts and the plugin test
 * kit so both behave alike (plugins use {@link PluginContext#storeSettings} and {@link
 * PluginContext#enabledForStore}, not this class):
 *
 * <ul>
 *   <li>the switch: the store's {@code plugins.<id>.enabled} ({@code true}/{@code false}), else
 *       the process's default; a bad value keeps the last good switch;
 *   <li>the settings: the store's {@code plugins.<id>.<key>} layered over the process's
 *       configuration ({@link PluginConfig#withStoreOverrides}), the plugin's {@code validate},
 *       then its factory; built on first use per store, rebuilt when the store's metadata changes,
 *       the last good kept on any failure;
 *   <li>refusals are recorded per store (cleared when the store changes) and reported to the
 *       {@link Listener}; nothing here throws on a request path, and unreadable metadata gives the
 *       process-wide answer without caching it.
 * </ul>
 *
 * <p>{@link #generation()} changes whenever a store's state may have changed, so callers can cache
 * per-store decisions and re-check them with one volatile read. Thread-safe.
 *
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public final class StoreScope implements AutoCloseable {
  /** The store-level switch's name, in a store's plugin settings ({@code plugins.<id>.enabled}). */
  public static final String ENABLED = "enabled";
  /** How every host-owned switch parses: as a boolean key does. */
  private static final ConfigKey<Boolean> SWITCH = ConfigKey.bool("switch", true,
      "a host-owned switch");

  /** Runs the plugin's rules across keys ({@link VenicePlugin#validate}). */
  @FunctionalInterface
  public interface Validator {
    /** @throws Exception when the configuration is refused */
    void validate(PluginConfig config) throws Exception;
  }

  /** Told about changes and refusals, on the thread that saw them. */
  public interface Listener {
    /** A store's switch or settings may have changed. */
    default void changed(String store) {}

    /** A store's value was refused; the last good state stays. */
    default void refused(String store, String message) {}
  }

  private final String pluginId;
  private final boolean onByDefault;
  private final StoreMetadataService metadata;
  private final PluginConfig processConfig;
  private final Validator validator;
  private final Listener listener;
  private final AtomicInteger generation = new AtomicInteger();
  private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final List<Settings<?>> settings = new CopyOnWriteArrayList<>();
  private final Subscription subscription;

  /**
   * Starts following {@code metadata} (its listener is removed by {@link #close}).
   *
   * @param pluginId the plugin's id, naming its keys
   * @param onByDefault the switch of a store that sets none
   * @param metadata the host's store metadata, or {@code null} for none (every store then gets
   *     the process-wide state)
   * @param processConfig the plugin's validated process configuration
   * @param validator the plugin's rules across keys
   * @param listener told about changes and refusals
   */
  public StoreScope(String pluginId, boolean onByDefault, StoreMetadataService metadata,
      PluginConfig processConfig, Validator validator, Listener listener) {
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    this.onByDefault = onByDefault;
    this.metadata = metadata;
    this.processConfig = Objects.requireNonNull(processConfig, "processConfig");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.subscription = metadata == null ? () -> { } : metadata.addListener(this::changed);
  }

  /**
   * Parses a host-owned switch ({@code plugins.<id>.enabled}, {@code
   * plugins.<id>.stores-enabled-by-default}, in a process's or a store's settings) as {@link
   * ConfigKey#bool} parses a boolean key: {@code true} or {@code false}, any case, spaces ignored.
   *
   * @param fullKey the switch's full key, named in the error
   * @throws ConfigException naming the key and the value when it is neither
   */
  public static boolean parseSwitch(String fullKey, String raw) {
    try {
      return SWITCH.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(fullKey, "bad value '" + raw + "' for " + fullKey
          + ": expected true or false");
    }
  }

  /** Changes whenever a store's switch or settings may have changed. */
  public int generation() {
    return generation.get();
  }

  /** Whether the plugin is on for {@code store}. Never throws; a map lookup once known. */
  public boolean enabledFor(String store) {
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

  /**
   * Typed settings per store built by {@code factory}, kept by these rules.
   *
   * @throws ConfigException when {@code factory} refuses the process configuration
   */
  public <S> StoreSettings<S> settings(Function<PluginConfig, S> factory) {
    S processWide;
    try {
      processWide = factory.apply(processConfig);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException("plugins." + pluginId, "plugin " + pluginId
          + ": its settings factory refused the process configuration: " + e);
    }
    Settings<S> created = new Settings<>(factory, processWide);
    settings.add(created);
    return created;
  }

  /**
   * The store's configuration parsed now (the deprecated {@link PluginContext#configForStore}).
   *
   * @throws ConfigException naming the store, key and value when the store's settings are bad
   */
  public PluginConfig configFor(String store) {
    return storeInfo(store).map(info -> processConfig.withStoreOverrides(store, raw(info)))
        .orElse(processConfig);
  }

  /** The stores the plugin is switched off for, among those seen so far, sorted. */
  public List<String> switchedOff() {
    return enabled.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
        .sorted().toList();
  }

  /** Stores whose values were refused, with why, sorted by store. */
  public Map<String, String> errors() {
    return Map.copyOf(new TreeMap<>(errors));
  }

  /** Stops following store metadata. */
  @Override
  public void close() {
    subscription.close();
  }

  private Optional<StoreInfo> storeInfo(String store) {
    return metadata == null ? Optional.empty() : metadata.store(store);
  }

  private Map<String, String> raw(StoreInfo info) {
    Map<String, String> raw = new TreeMap<>(info.settingsFor(pluginId));
    raw.remove(ENABLED);
    return raw;
  }

  private void refused(String store, String message) {
    errors.merge(store, message, (a, b) -> a.equals(b) ? a : a + "; " + b);
    listener.refused(store, message);
  }

  private void changed(StoreInfo info) {
    try {
      errors.remove(info.name());
      Boolean previous = enabled.get(info.name());
      enabled.put(info.name(), decide(info.name(), Optional.of(info),
          previous != null ? previous : onByDefault));
      for (Settings<?> storeSettings : settings) {
        try {
          storeSettings.refresh(info);
        } catch (RuntimeException | Error e) { // refresh contains the plugin's own failures
          refused(info.name(), "rebuilding the settings failed: " + e);
        }
      }
    } finally {
      generation.incrementAndGet(); // cached per-store decisions are re-checked, whatever happened
      listener.changed(info.name());
    }
  }

  private boolean decide(String store, Optional<StoreInfo> info, boolean lastGood) {
    String raw = info.map(i -> i.settingsFor(pluginId).get(ENABLED)).orElse(null);
    if (raw == null) {
      return onByDefault;
    }
    try {
      return parseSwitch("plugins." + pluginId + "." + ENABLED, raw);
    } catch (ConfigException e) {
      refused(store, e.getMessage() + "; keeping " + lastGood);
      return lastGood;
    }
  }

  /** One plugin's settings objects per store. */
  private final class Settings<S> implements StoreSettings<S> {
    private final Function<PluginConfig, S> factory;
    private final S processWide;
    private final Map<String, S> byStore = new ConcurrentHashMap<>();

    Settings(Function<PluginConfig, S> factory, S processWide) {
      this.factory = factory;
      this.processWide = processWide;
    }

    @Override
    public S get(String store) {
      S found = byStore.get(store);
      if (found != null) {
        return found;
      }
      Optional<StoreInfo> info;
      try {
        info = storeInfo(store);
      } catch (RuntimeException e) { // metadata unreadable right now: not cached
        return processWide;
      }
      S built = info.map(i -> build(i, processWide)).orElse(processWide);
      S raced = byStore.putIfAbsent(store, built);
      return raced != null ? raced : built;
    }

    @Override
    public S processWide() {
      return processWide;
    }

    void refresh(StoreInfo info) {
      S lastGood = byStore.getOrDefault(info.name(), processWide);
      byStore.put(info.name(), build(info, lastGood));
    }

    private S build(StoreInfo info, S lastGood) {
      try {
        PluginConfig config = processConfig.withStoreOverrides(info.name(), raw(info));
        validator.validate(config);
        S built = factory.apply(config);
        if (built == null) {
          throw new IllegalStateException("the settings factory returned null");
        }
        return built;
      } catch (Exception | LinkageError | AssertionError e) {
        refused(info.name(), e.getMessage() + "; keeping the last good settings");
        return lastGood;
      }
    }
  }
}
