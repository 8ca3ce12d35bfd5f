package dev.venice.plugins.readtimeout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** One store's read-timeout meters under the host-given prefix, created once (not per request). */
final class ReadTimeoutMetrics {
  final Counter timeouts;

  /**
   * @param prefix the host-given meter prefix ({@code venice.client.read.timeout.})
   * @param timeout the store's timeout, read by the gauge when it is scraped
   */
  ReadTimeoutMetrics(MeterRegistry registry, String prefix, StoreTimeout timeout) {
    this.timeouts = Counter.builder(prefix + "timeouts")
        .description("Reads failed by the store's read timeout; their in-flight calls cancelled")
        .tag("store", timeout.store()).register(registry);
    Gauge.builder(prefix + "effective.ms", timeout, StoreTimeout::currentMillis)
        .description("The store's read timeout in force, ms; 0: none, the client's global"
            + " timeout applies")
        .tag("store", timeout.store()).strongReference(true).register(registry);
  }
}
