package dev.venice.plugins.batchsplit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One store's batch-split meters under a prefix, created once per store client (never per
 * request). Thread-safe (Micrometer meters are).
 */
final class BatchSplitMetrics {
  /** Batch gets seen, split or not. */
  final Counter calls;
  /** Batch gets that were split; {@code split / calls} is the split rate. */
  final Counter splitCalls;
  /** Sub-batches per split batch get. */
  final DistributionSummary subBatches;

  /**
   * @param prefix the meter prefix ({@code venice.client.batch.split.})
   * @param store the store, the {@code store} tag of every meter
   */
  BatchSplitMetrics(MeterRegistry registry, String prefix, String store) {
    this.calls = Counter.builder(prefix + "calls")
        .description("Batch gets that went through batch splitting, split or not")
        .tag("store", store).register(registry);
    this.splitCalls = Counter.builder(prefix + "calls.split")
        .description("Batch gets over max-keys-per-sub-batch, split into sub-batches")
        .tag("store", store).register(registry);
    this.subBatches = DistributionSummary.builder(prefix + "sub.batches")
        .description("Sub-batches sent per split batch get").baseUnit("sub-batches")
        .tag("store", store).register(registry);
  }
}
