package dev.venice.testkit;

import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Store metadata a test sets, served like a host's: {@link #put} stores a store's metadata and
 * then calls every listener with it, on the calling thread, as a host's metadata watch would (a
 * listener that throws is skipped and its error kept in {@link #listenerErrors()}). Stores are
 * never removed (a host's listeners are not told about deletions either).
 *
 * <p>{@link #unavailable(boolean)} makes reads fail as when ZooKeeper is away. Thread-safe; puts
 * are serialised, so listeners see changes in order.
 */
public final class TestingStores implements StoreMetadataService {
  private final Map<String, StoreInfo> stores = new ConcurrentSkipListMap<>();
  private final List<Consumer<StoreInfo>> listeners = new CopyOnWriteArrayList<>();
  private final List<Throwable> listenerErrors = new CopyOnWriteArrayList<>();
  private volatile boolean unavailable;

  /**
   * Sets a store's plugin settings and tells the listeners. A new store gets version 1, one
   * partition, replication factor 1, {@code NO_OP} compression and no hybrid part; an existing one
   * keeps those and gets these settings instead of its old ones.
   *
   * @param store the store name
   * @param pluginSettings full keys ({@code plugins.<id>.<key>}) to raw values; replaces all of the
   *     store's plugin settings
   * @return the store's new metadata
   */
  public StoreInfo put(String store, Map<String, String> pluginSettings) {
    Objects.requireNonNull(store, "store");
    synchronized (this) {
      StoreInfo old = stores.get(store);
      StoreInfo info = old == null
          ? new StoreInfo(store, 1, 1, 1, "NO_OP", false, pluginSettings)
          : new StoreInfo(store, old.currentVersion(), old.partitionCount(),
              old.replicationFactor(), old.compressionStrategy(), old.hybrid(), pluginSettings);
      return put(info);
    }
  }

  /**
   * Stores {@code info} (replacing the store's metadata) and calls every listener with it, in the
   * order they were added, on this thread, before returning.
   *
   * @return {@code info}
   */
  public synchronized StoreInfo put(StoreInfo info) {
    stores.put(info.name(), info);
    for (Consumer<StoreInfo> listener : listeners) {
      try {
        listener.accept(info);
      } catch (RuntimeException | Error e) { // a host logs and skips; a test may assert on it
        listenerErrors.add(e);
      }
    }
    return info;
  }

  /**
   * While {@code true}, {@link #store} and {@link #storeNames} throw {@link IllegalStateException}
   * as a host's metadata reads do when ZooKeeper is away.
   */
  public void unavailable(boolean unavailable) {
    this.unavailable = unavailable;
  }

  /** What listeners threw, oldest first. */
  public List<Throwable> listenerErrors() {
    return List.copyOf(listenerErrors);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException while {@link #unavailable(boolean) unavailable}
   */
  @Override
  public List<String> storeNames() {
    checkAvailable();
    return List.copyOf(stores.keySet());
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException while {@link #unavailable(boolean) unavailable}
   */
  @Override
  public Optional<StoreInfo> store(String name) {
    checkAvailable();
    return Optional.ofNullable(stores.get(name));
  }

  /** {@inheritDoc} The listener is called for each later {@link #put}, not for earlier ones. */
  @Override
  public Subscription addListener(Consumer<StoreInfo> listener) {
    Objects.requireNonNull(listener, "listener");
    Consumer<StoreInfo> registered = listener::accept; // distinct, so remove() removes this one
    listeners.add(registered);
    return () -> listeners.remove(registered);
  }

  /** The number of listeners now registered. */
  public int listenerCount() {
    return listeners.size();
  }

  private void checkAvailable() {
    if (unavailable) {
      throw new IllegalStateException("store metadata unavailable (TestingStores.unavailable)");
    }
  }
}
