package dev.venice.spi.host;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Store metadata as the host currently knows it. */
public interface StoreMetadataService {
  /** The names of all stores, sorted. */
  List<String> storeNames();

  /** One store's metadata. */
  Optional<StoreInfo> store(String name);

  /**
   * Registers a listener called with a store's new metadata whenever it changes (including plugin
   * settings), on a host thread. Listeners must not block; one that throws is logged and skipped.
   *
   * @return closing it removes the listener
   */
  Subscription addListener(Consumer<StoreInfo> listener);
}
