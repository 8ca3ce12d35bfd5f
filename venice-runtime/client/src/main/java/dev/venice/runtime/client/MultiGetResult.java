package dev.venice.runtime.client;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;

/**
 * What a {@link MultiStoreClient} batch get returns: for every store of the request, either its
 * values (a map holding only the keys that exist, as from {@code StoreClient.batchGet}) or its
 * failure (for example a {@code RequestTimeoutException} when the call's deadline passed before it
 * answered, or the store client's own {@code VeniceClientException}). One store's failure does not
 * affect the others' values. Immutable and thread-safe.
 */
public final class MultiGetResult {
  private final Map<String, Map<?, ?>> values;
  private final Map<String, Throwable> failures;

  /**
   * @param values the stores that answered, with their maps
   * @param failures the stores that failed, with their failures
   */
  MultiGetResult(Map<String, Map<?, ?>> values, Map<String, Throwable> failures) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.failures = Collections.unmodifiableMap(new TreeMap<>(failures));
  }

  /**
   * One store's values, typed by its handle.
   *
   * @return the keys of the request found in the store, with their values
   * @throws CompletionException with the store's failure as its cause when that store failed
   * @throws IllegalArgumentException when the store was not in the request
   */
  @SuppressWarnings("unchecked") // the handle's types are the client's that answered
  public <K, V> Map<K, V> get(StoreHandle<K, V> store) {
    return (Map<K, V>) get(store.store());
  }

  /**
   * One store's values, untyped (the form of {@link MultiStoreClient#batchGet(Map,
   * java.time.Duration)}).
   *
   * @throws CompletionException with the store's failure as its cause when that store failed
   * @throws IllegalArgumentException when the store was not in the request
   */
  public Map<?, ?> get(String store) {
    Map<?, ?> found = values.get(store);
    if (found != null) {
      return found;
    }
    Throwable failure = failures.get(store);
    if (failure != null) {
      throw new CompletionException("store " + store + " failed: " + failure, failure);
    }
    throw new IllegalArgumentException("store " + store + " was not in the request; it read "
        + stores());
  }

  /** Whether {@code store}'s read failed ({@link #failure}). */
  public boolean failed(String store) {
    return failures.containsKey(store);
  }

  /** {@code store}'s failure, or empty when it answered or was not in the request. */
  public Optional<Throwable> failure(String store) {
    return Optional.ofNullable(failures.get(store));
  }

  /** {@link #failure(String)} by handle. */
  public Optional<Throwable> failure(StoreHandle<?, ?> store) {
    return failure(store.store());
  }

  /** Every failed store with its failure, sorted by store. */
  public Map<String, Throwable> failures() {
    return failures;
  }

  /** Every store of the request, sorted. */
  public Set<String> stores() {
    Set<String> all = new TreeSet<>(values.keySet());
    all.addAll(failures.keySet());
    return Collections.unmodifiableSet(all);
  }

  @Override
  public String toString() {
    return "MultiGetResult{answered=" + values.keySet() + ", failed=" + failures + "}";
  }
}
