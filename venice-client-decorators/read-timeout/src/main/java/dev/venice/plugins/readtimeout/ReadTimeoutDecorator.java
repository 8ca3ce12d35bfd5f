package dev.venice.plugins.readtimeout;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's store-level decorator, at {@link DecoratorOrder#TIMEOUT} (innermost of the store
 * level, so the timeout bounds the call actually sent): one {@link ReadTimeoutStoreClient} per
 * store client, with the store's meters, reading the store's host-kept settings on each call.
 * Thread-safe; {@link #decorate} is called once per store client by the host.
 */
final class ReadTimeoutDecorator implements StoreClientDecorator {
  private final StoreSettings<ReadTimeoutConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final TimedCall.Timer timer;
  private final TimeSource time;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.read.timeout.})
   * @param scheduler runs the timeout timers (the plugin's scheduler)
   * @param time the clock of deadlines and elapsed times
   */
  ReadTimeoutDecorator(StoreSettings<ReadTimeoutConfig> settings, MeterRegistry registry,
      String prefix, ScheduledExecutorService scheduler, TimeSource time) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.timer = (expiry, delayNanos) ->
        scheduler.schedule(expiry, delayNanos, TimeUnit.NANOSECONDS);
    this.time = time;
  }

  @Override
  public String name() {
    return "read-timeout";
  }

  @Override
  public int order() {
    return DecoratorOrder.TIMEOUT;
  }

  @Override
  public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
    StoreTimeout timeout = new StoreTimeout(settings, client.storeName());
    return new ReadTimeoutStoreClient<>(client, timeout,
        new ReadTimeoutMetrics(registry, prefix, timeout), timer, time);
  }
}
