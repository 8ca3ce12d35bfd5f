package dev.venice.runtime.common.plugin;

import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Store metadata of our own interface whose changes reach listeners, as a host's does. */
final class TestStores implements StoreMetadataService {
  private final Map<String, StoreInfo> byName = new ConcurrentHashMap<>();
  private final List<Consumer<StoreInfo>> listeners = new CopyOnWriteArrayList<>();

  /** Sets a store's plugin settings (creating it) and tells the listeners. */
  TestStores put(String name, Map<String, String> pluginSettings) {
    StoreInfo info = new StoreInfo(name, 1, 1, 1, "NO_OP", false, pluginSettings);
    byName.put(name, info);
    listeners.forEach(l -> l.accept(info));
    return this;
  }

  @Override
  public List<String> storeNames() {
    return byName.keySet().stream().sorted().toList();
  }

  @Override
  public Optional<StoreInfo> store(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public Subscription addListener(Consumer<StoreInfo> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
