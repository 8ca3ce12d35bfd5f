package dev.venice.spi.client;

/**
 * Receives the values of a {@link StoreClient#streamingBatchGet} as they arrive.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface StreamingCallback<K, V> {
  /**
   * Called once per requested key.
   *
   * @param key the key
   * @param value its value, or {@code null} when the key does not exist
   */
  void onRecord(K key, V value);
}
