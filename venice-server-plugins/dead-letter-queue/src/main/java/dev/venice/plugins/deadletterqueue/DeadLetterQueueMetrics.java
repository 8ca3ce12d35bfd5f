package dev.venice.plugins.deadletterqueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.dead.letter.queue.}).
 * Per-store counters are registered on first use (Micrometer returns the existing meter after
 * that). Thread-safe.
 */
final class DeadLetterQueueMetrics {
  private final MeterRegistry registry;
  private final String prefix;

  /** @param prefix the host-given meter prefix, ending with a dot */
  DeadLetterQueueMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  /**
   * Registers the gauges, read when exported.
   *
   * @param pending stores with the dead-letter queue on whose topic is not created yet
   * @param ready stores with the dead-letter queue on whose topic exists
   */
  void gauges(IntSupplier pending, IntSupplier ready) {
    Gauge.builder(prefix + "topics.pending", pending::getAsInt)
        .description("Stores with the dead-letter queue on whose <store>_dlq topic is not"
            + " created yet (creation retried)").register(registry);
    Gauge.builder(prefix + "topics.ready", ready::getAsInt)
        .description("Stores with the dead-letter queue on whose <store>_dlq topic exists")
        .register(registry);
  }

  /** A dead letter encoded for the host to write (a retried real-time batch encodes again). */
  void encoded(String store, String reason) {
    Counter.builder(prefix + "encoded").description("Dead letters encoded for <store>_dlq")
        .tag("store", store).tag("reason", reason).register(registry).increment();
  }

  /** An attempt to create {@code store}'s topic failed (it is retried). */
  void creationFailed(String store) {
    Counter.builder(prefix + "topic.creation.failures")
        .description("Failed attempts to create a <store>_dlq topic (each is retried)")
        .tag("store", store).register(registry).increment();
  }
}
