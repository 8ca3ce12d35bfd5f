package dev.venice.runtime.client;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys to read from several stores in one {@link MultiStoreClient#batchGet(MultiGetRequest,
 * java.time.Duration)} call: per store, a {@link StoreHandle} and a set of keys of that store's
 * key type. Build it with {@link #builder()}:
 *
 * <pre>{@code
 * MultiGetRequest request = MultiGetRequest.builder()
 *     .add(users, Set.of("alice", "bob"))     // StoreHandle<String, GenericRecord>
 *     .add(orders, Set.of(17L, 42L))          // StoreHandle<Long, GenericRecord>
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the key sets are copied when added.
 */
public final class MultiGetRequest {
  private final Map<String, Entry<?, ?>> entries;

  private MultiGetRequest(Map<String, Entry<?, ?>> entries) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /** A builder of a request. */
  public static Builder builder() {
    return new Builder();
  }

  /** The stores the request reads, in the order they were added. */
  public Set<String> stores() {
    return entries.keySet();
  }

  /** The stores' entries, in the order they were added. */
  Collection<Entry<?, ?>> entries() {
    return entries.values();
  }

  /** One store's part of the request. */
  record Entry<K, V>(StoreHandle<K, V> handle, Set<K> keys) {}

  /** Builds a {@link MultiGetRequest}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Entry<?, ?>> entries = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds one store's keys.
     *
     * @param store the store's handle, from {@link MultiStoreClient#handle}
     * @param keys the keys to read from it (copied; no {@code null} key); may be empty
     * @throws IllegalArgumentException when the store is already in the request
     * @throws NullPointerException when {@code store}, {@code keys} or a key is {@code null}
     */
    public <K, V> Builder add(StoreHandle<K, V> store, Set<K> keys) {
      Objects.requireNonNull(store, "store");
      Entry<K, V> entry = new Entry<>(store, Set.copyOf(keys));
      if (entries.putIfAbsent(store.store(), entry) != null) {
        throw new IllegalArgumentException("store " + store.store()
            + " is already in the request: add each store's keys once");
      }
      return this;
    }

    /** The request. */
    public MultiGetRequest build() {
      return new MultiGetRequest(entries);
    }
  }
}
