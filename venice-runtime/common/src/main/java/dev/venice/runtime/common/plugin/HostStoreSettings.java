package dev.venice.runtime.common.plugin;

import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.plugin.StoreSettings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The host's {@link StoreSettings}: one typed object per store, built on first use and rebuilt by
 * {@link PluginStores} when the store's metadata changes. Building layers the store's settings over
 * the process configuration ({@link PluginConfig#withStoreOverrides}), runs the plugin's {@code
 * validate}, then its factory, all with the plugin's class loader; any failure keeps the last good
 * object and is recorded as the store's error.
 *
 * @param <S> the plugin's settings type
 */
final class HostStoreSettings<S> implements StoreSettings<S> {
  /** Runs the plugin's cross-key rules, with its class loader; throws when they refuse. */
  interface Validator {
    void validate(PluginConfig config) throws Exception;
  }

  private final PluginStores stores;
  private final PluginConfig processConfig;
  private final Validator validator;
  private final Function<PluginConfig, S> factory;
  private final S processWide;
  private final Map<String, S> byStore = new ConcurrentHashMap<>();

  HostStoreSettings(PluginStores stores, PluginConfig processConfig, Validator validator,
      Function<PluginConfig, S> factory) {
    this.stores = stores;
    this.processConfig = processConfig;
    this.validator = validator;
    this.factory = factory;
    this.processWide = factory.apply(processConfig);
    stores.register(this);
  }

  @Override
  public S get(String store) {
    S settings = byStore.get(store);
    if (settings != null) {
      return settings;
    }
    Optional<StoreInfo> info;
    try {
      info = stores.storeInfo(store);
    } catch (RuntimeException e) { // metadata unreadable right now (ZooKeeper away): not cached
      return processWide;
    }
    settings = info.map(i -> build(i, processWide)).orElse(processWide);
    S raced = byStore.putIfAbsent(store, settings);
    return raced != null ? raced : settings;
  }

  @Override
  public S processWide() {
    return processWide;
  }

  /** Rebuilds the store's settings after a metadata change, keeping the last good on failure. */
  void refresh(StoreInfo info) {
    S lastGood = byStore.getOrDefault(info.name(), processWide);
    byStore.put(info.name(), build(info, lastGood));
  }

  private S build(StoreInfo info, S lastGood) {
    try {
      PluginConfig config = processConfig.withStoreOverrides(info.name(), stores.rawSettings(info));
      validator.validate(config);
      S settings = factory.apply(config);
      if (settings == null) {
        throw new IllegalStateException("the settings factory returned null");
      }
      return settings;
    } catch (Exception | LinkageError | AssertionError e) {
      stores.error(info.name(), e.getMessage() + "; keeping the last good settings");
      return lastGood;
    }
  }
}
