package dev.venice.plugins.batchsplit;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.plugin.ProcessKind;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * A store client that splits oversized batch gets (seed project 27). A {@link #batchGet} of more
 * than {@code maxKeysPerSubBatch} keys is cut into {@code ceil(n / max)} sub-batches of near-equal
 * size, all sent to the delegate at once; their maps merge into one map holding every key any
 * sub-batch found (a missing key is absent, whichever sub-batch asked for it, as from the delegate
 * itself).
 *
 * <ul>
 *   <li><b>Failure:</b> the first sub-batch to fail fails the whole call with its exception
 *       (usually a {@code VeniceClientException}) and every other sub-batch is cancelled, which
 *       cancels its in-flight request; no partial map is returned.
 *   <li><b>Cancellation:</b> cancelling the returned future cancels every sub-batch.
 *   <li><b>At or under the threshold</b> the call goes straight to the delegate: the same future,
 *       no allocation by this class (two counter increments).
 *   <li><b>Not split:</b> {@link #get} and {@link #streamingBatchGet} pass through unchanged.
 *       Streaming is left alone on purpose: the seed scopes splitting to batch get, a streaming
 *       caller takes values as they arrive rather than one merged map, and its contract keeps keys
 *       delivered before a failure, which "first failure cancels the rest" would make depend on
 *       timing.
 * </ul>
 *
 * <p>Usable by hand around any {@link StoreClient}, or made by the {@code batch-split} plugin
 * (switched on with {@code plugins.batch-split.enabled=true}, which reads the threshold per store
 * on every call). Thread-safe when the delegate is.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SplittingBatchGetStoreClient<K, V> extends ForwardingStoreClient<K, V> {
  /** The default threshold: the server's per-request key limit. */
  public static final int DEFAULT_MAX_KEYS_PER_SUB_BATCH = 150;

  private final IntSupplier maxKeysPerSubBatch;
  private final BatchSplitMetrics metrics;

  /**
   * A client splitting batch gets over a fixed threshold, recording the plugin's meters ({@code
   * venice.client.batch.split.*}, tag {@code store}) in {@code registry}.
   *
   * @param delegate the client sub-batches go to
   * @param maxKeysPerSubBatch the most keys one batch get sends, from 1
   * @param registry where the meters go (create one client per store and registry: the meters are
   *     registered once here)
   * @throws IllegalArgumentException when {@code maxKeysPerSubBatch} is below 1
   */
  public SplittingBatchGetStoreClient(StoreClient<K, V> delegate, int maxKeysPerSubBatch,
      MeterRegistry registry) {
    this(delegate, fixed(maxKeysPerSubBatch), new BatchSplitMetrics(
        Objects.requireNonNull(registry, "registry"),
        ProcessKind.CLIENT.metricPrefix("batch-split"),
        Objects.requireNonNull(delegate, "delegate").storeName()));
  }

  /**
   * @param maxKeysPerSubBatch the current threshold, read once per batch get (at least 1)
   * @param metrics the store's meters
   */
  SplittingBatchGetStoreClient(StoreClient<K, V> delegate, IntSupplier maxKeysPerSubBatch,
      BatchSplitMetrics metrics) {
    super(delegate);
    this.maxKeysPerSubBatch = maxKeysPerSubBatch;
    this.metrics = metrics;
  }

  private static IntSupplier fixed(int maxKeysPerSubBatch) {
    if (maxKeysPerSubBatch < 1) {
      throw new IllegalArgumentException(
          "maxKeysPerSubBatch must be at least 1, was " + maxKeysPerSubBatch);
    }
    return () -> maxKeysPerSubBatch;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Split into parallel sub-batches when {@code keys} holds more than the threshold; see the
   * class description for the merged map, failures and cancellation.
   */
  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    metrics.calls.increment();
    int maxKeys = maxKeysPerSubBatch.getAsInt();
    if (keys.size() <= maxKeys) {
      return delegate.batchGet(keys, context);
    }
    List<Set<K>> parts = SubBatches.split(keys, maxKeys);
    metrics.splitCalls.increment();
    metrics.subBatches.record(parts.size());
    return SubBatches.fetchAll(parts, part -> delegate.batchGet(part, context), keys.size());
  }
}
