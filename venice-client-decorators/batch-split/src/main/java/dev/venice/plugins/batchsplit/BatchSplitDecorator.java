package dev.venice.plugins.batchsplit;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.plugin.StoreSettings;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's store-level decorator, at {@link DecoratorOrder#BATCH_SPLIT}: wraps each store
 * client in a {@link SplittingBatchGetStoreClient} that reads the store's host-kept {@code
 * max-keys-per-sub-batch} on each batch get (a store setting change applies to the next call) and
 * records in the store's own meters. Thread-safe; {@link #decorate} is called once per store client
 * by the host.
 */
final class BatchSplitDecorator implements StoreClientDecorator {
  private final StoreSettings<BatchSplitConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.batch.split.})
   */
  BatchSplitDecorator(StoreSettings<BatchSplitConfig> settings, MeterRegistry registry,
      String prefix) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return "batch-split";
  }

  @Override
  public int order() {
    return DecoratorOrder.BATCH_SPLIT;
  }

  @Override
  public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
    String store = client.storeName();
    return new SplittingBatchGetStoreClient<>(client,
        () -> settings.get(store).maxKeysPerSubBatch(),
        new BatchSplitMetrics(registry, prefix, store));
  }
}
