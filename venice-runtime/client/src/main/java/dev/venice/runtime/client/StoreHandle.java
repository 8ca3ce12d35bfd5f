package dev.venice.runtime.client;

import dev.venice.spi.client.StoreClient;

/**
 * A typed reference to one store of a {@link MultiStoreClient}, obtained with {@link
 * MultiStoreClient#handle(StoreClient)}. It carries the store's key and value types, so that a
 * request built with it takes only {@code K} keys ({@link MultiGetRequest.Builder#add}) and the
 * result read with it is a {@code Map<K, V>} ({@link MultiGetResult#get(StoreHandle)}), for stores
 * whose key and value types have nothing in common. A handle works only with the client that made
 * it. Immutable and thread-safe.
 *
 * @param <K> the store's key type
 * @param <V> the store's value type
 */
public final class StoreHandle<K, V> {
  private final MultiStoreClient owner;
  private final StoreClient<K, V> client;

  StoreHandle(MultiStoreClient owner, StoreClient<K, V> client) {
    this.owner = owner;
    this.client = client;
  }

  /** The store's name. */
  public String store() {
    return client.storeName();
  }

  /** The multi-store client that made this handle. */
  MultiStoreClient owner() {
    return owner;
  }

  /** The client the store is read through. */
  StoreClient<K, V> client() {
    return client;
  }

  @Override
  public String toString() {
    return "StoreHandle[" + store() + "]";
  }
}
