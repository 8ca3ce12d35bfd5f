package dev.venice.plugins.storedependencies;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the {@link DependencyGraph} of the cluster from every store's {@code upstream-stores}
 * setting: the store names from the host's store metadata ({@code storeNames()}, read from
 * ZooKeeper on each call) and each store's settings ({@code store(name)}, the host's watched
 * cache, updated by ZooKeeper events shortly after each write).
 *
 * <p><b>This leader's own writes.</b> The cache may not have seen a store update that the
 * controller has just answered (its ZooKeeper event arrives on another thread), so the guard
 * {@linkplain #written records} the upstream stores of every store-config change it sees succeed
 * on this controller, and {@link #graph()} prefers them to the cache. They are only kept while
 * this controller keeps its leadership (after-hooks run on the leader, which applies every store
 * change): {@link #forgetWrites()} on every leadership change drops them, as another leader may
 * have changed the stores since.
 *
 * <p>A stored value that {@link StoreDependenciesConfig#parse} refuses (it cannot be written
 * through the controller, which validates it) is read leniently: its valid names are kept. Each
 * call costs one ZooKeeper read of the store names plus, for a store not yet cached, one of its
 * config. Thread-safe.
 */
final class UpstreamSource {
  private final StoreMetadataService stores;
  /** Store to its upstream stores as written through this leader; empty list = none. */
  private final Map<String, Optional<List<String>>> writes = new ConcurrentHashMap<>();

  UpstreamSource(StoreMetadataService stores) {
    this.stores = stores;
  }

  /**
   * The graph of every store as this controller knows it now.
   *
   * @throws RuntimeException what the store metadata throws when ZooKeeper is away
   */
  DependencyGraph graph() {
    Map<String, Optional<List<String>>> recent = Map.copyOf(writes);
    TreeSet<String> names = new TreeSet<>(stores.storeNames());
    recent.forEach((store, upstream) -> {
      if (upstream.isPresent()) {
        names.add(store);
      } else {
        names.remove(store);
      }
    });
    Map<String, List<String>> upstreamOf = new TreeMap<>();
    for (String name : names) {
      Optional<List<String>> known = recent.get(name);
      if (known != null) {
        upstreamOf.put(name, known.orElseThrow());
      } else {
        stores.store(name).ifPresent(info -> upstreamOf.put(name, upstreamOf(info)));
      }
    }
    return new DependencyGraph(upstreamOf);
  }

  /**
   * Records a store change this leader applied: {@code upstream} is the store's list afterwards,
   * empty when the store was deleted.
   */
  void written(String store, Optional<List<String>> upstream) {
    writes.put(store, upstream.map(List::copyOf));
  }

  /** Drops the recorded writes (leadership changed: the store metadata is the reference again). */
  void forgetWrites() {
    writes.clear();
  }

  /** A store's upstream stores from its plugin settings. */
  static List<String> upstreamOf(StoreInfo info) {
    return lenient(info.pluginSettings().get(StoreDependenciesConfig.FULL_KEY));
  }

  /** {@link StoreDependenciesConfig#parse}, or the valid names of a value it refuses. */
  static List<String> lenient(String raw) {
    try {
      return StoreDependenciesConfig.parse(raw);
    } catch (ConfigException e) {
      List<String> valid = new ArrayList<>();
      for (String part : raw.split(",")) {
        String name = part.strip();
        if (StoreDependenciesConfig.STORE_NAME.matcher(name).matches() && !valid.contains(name)) {
          valid.add(name);
        }
      }
      return valid;
    }
  }
}
