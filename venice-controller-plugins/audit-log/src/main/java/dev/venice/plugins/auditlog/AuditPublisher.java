package dev.venice.plugins.auditlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;

/**
 * Moves audit events from admin calls to Kafka without making the calls wait: {@link #offer} only
 * puts the event in a bounded queue (never blocks); one publisher thread sends them in order.
 * Nothing is dropped silently: a full queue, a Kafka failure after the producer's retries, and
 * events still queued at shutdown are each counted in {@code
 * venice.controller.audit.log.dropped{reason}} and logged.
 */
final class AuditPublisher implements AutoCloseable {
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final BlockingQueue<GenericRecord> queue;
  private final EventSink sink;
  private final Logger log;
  private final MeterRegistry registry;
  private final String prefix;
  private final Counter queued;
  private final Counter published;
  private final Thread thread;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private volatile boolean running = true;

  /** @param prefix the host-given meter prefix ({@code venice.controller.audit.log.}) */
  AuditPublisher(int capacity, EventSink sink, MeterRegistry registry, String prefix, Logger log) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = sink;
    this.log = log;
    this.registry = registry;
    this.prefix = prefix;
    this.queued = Counter.builder(prefix + "queued")
        .description("Audit events accepted for publishing").register(registry);
    this.published = Counter.builder(prefix + "published")
        .description("Audit events acknowledged by Kafka").register(registry);
    Gauge.builder(prefix + "queue.depth", queue, BlockingQueue::size)
        .description("Audit events waiting to be published").register(registry);
    this.thread = new Thread(this::publish, "audit-log-publisher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues an event; when the queue is full the event is dropped (counted, logged). */
  void offer(GenericRecord event) {
    if (!running) {
      dropped("shutdown", event, null);
    } else if (queue.offer(event)) {
      queued.increment();
    } else {
      dropped("queue-full", event, null);
    }
  }

  private void publish() {
    while (running || !queue.isEmpty()) {
      GenericRecord event;
      try {
        event = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (event == null) {
        continue;
      }
      Object target = event.get("store") != null ? event.get("store") : event.get("cluster");
      try {
        sink.send(String.valueOf(target).getBytes(StandardCharsets.UTF_8),
                AuditEvents.encode(event))
            .whenComplete((ok, error) -> {
              if (error != null) {
                dropped("kafka-error", event, error);
              } else {
                published.increment();
              }
            });
      } catch (RuntimeException e) {
        dropped("kafka-error", event, e);
      }
    }
  }

  private void dropped(String reason, GenericRecord event, Throwable cause) {
    Counter.builder(prefix + "dropped")
        .description("Audit events that will never reach the audit topic")
        .tag("reason", reason).register(registry).increment();
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
      log.warn("audit event dropped ({}): {} of {} by {}; further drops are counted in {}dropped"
          + " and logged every 10 s", reason, event.get("operation"), event.get("store"),
          event.get("principal"), prefix, cause);
    }
  }

  /** Publishes what is queued (waiting at most {@code drain}), then closes the producer. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  void close(Duration drain) {
    running = false;
    try {
      thread.join(drain.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    GenericRecord left;
    while ((left = queue.poll()) != null) {
      dropped("shutdown", left, null);
    }
    sink.close();
  }
}
