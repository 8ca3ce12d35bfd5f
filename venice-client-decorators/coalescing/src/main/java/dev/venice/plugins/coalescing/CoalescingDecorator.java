package dev.venice.plugins.coalescing;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's store-level decorator, at {@link DecoratorOrder#COALESCING} (outside the rate
 * limiter, so callers sharing one request spend one token): one {@link CoalescingStoreClient} per
 * store client, with its own in-flight map and meters, reading the store's host-kept settings on
 * each get. Thread-safe; {@link #decorate} is called once per store client by the host.
 */
final class CoalescingDecorator implements StoreClientDecorator {
  private final StoreSettings<CoalescingConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final TimeSource time;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.coalescing.})
   * @param time the clock of the window
   */
  CoalescingDecorator(StoreSettings<CoalescingConfig> settings, MeterRegistry registry,
      String prefix, TimeSource time) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.time = time;
  }

  @Override
  public String name() {
    return "coalescing";
  }

  @Override
  public int order() {
    return DecoratorOrder.COALESCING;
  }

  @Override
  public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
    String store = client.storeName();
    return new CoalescingStoreClient<>(client, () -> settings.get(store), time::nanoTime,
        new CoalescingMetrics(registry, prefix, store));
  }
}
