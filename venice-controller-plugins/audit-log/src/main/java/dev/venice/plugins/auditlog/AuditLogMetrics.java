package dev.venice.plugins.auditlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.<process>.audit.log.}, e.g.
 * {@code venice.router.audit.log.}): events queued and published, events dropped by reason
 * ({@code queue-full}, {@code kafka-error}, {@code shutdown}), and the queue's depth. Counters
 * are created once, not per event. Thread-safe.
 */
final class AuditLogMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final Counter queued;
  private final Counter published;
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();

  /** @param prefix the host-given meter prefix, ending with a dot */
  AuditLogMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
    this.queued = Counter.builder(prefix + "queued")
        .description("Audit events accepted for publishing").register(registry);
    this.published = Counter.builder(prefix + "published")
        .description("Audit events acknowledged by Kafka").register(registry);
  }

  /** Registers the gauge of events waiting in {@code queue} (read when exported). */
  void queueDepth(Collection<?> queue) {
    Gauge.builder(prefix + "queue.depth", queue, Collection::size)
        .description("Audit events waiting to be published").register(registry);
  }

  /** Counts an event accepted into the queue. */
  void queued() {
    queued.increment();
  }

  /** Counts an event acknowledged by Kafka. */
  void published() {
    published.increment();
  }

  /** Counts an event that will never reach the topic, by why. */
  void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> Counter.builder(prefix + "dropped")
        .description("Audit events that will never reach the audit topic")
        .tag("reason", r).register(registry)).increment();
  }

  /** The name of the dropped-events counter, for log messages. */
  String droppedName() {
    return prefix + "dropped";
  }
}
