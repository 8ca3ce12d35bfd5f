package dev.venice.plugins.auditlog;

import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;

/**
 * Moves audit events from admin calls and access denials to Kafka without making the calls wait:
 * {@link #offer} only puts the event in a bounded queue (never blocks); one publisher thread sends
 * them in order, each keyed by its store (or cluster) and with its plain-text headers ({@link
 * AuditEvents#headers}).
 * Nothing is dropped silently: a full queue, a Kafka failure after the producer's retries, and
 * events still queued at shutdown are each counted in {@code
 * venice.<process>.audit.log.dropped{reason}} and logged. Thread-safe: {@link #offer} may be
 * called from any thread.
 */
final class AuditPublisher implements AutoCloseable {

  private final BlockingQueue<GenericRecord> queue;
  private final EventSink sink;
  private final Logger log;
  private final AuditLogMetrics metrics;
  private final TimeSource time;
  private final Thread thread;
  /** Spaces drop warnings in the log: one per 10 s, the rest counted. */
  private final RateGate warnings;
  private volatile boolean running = true;

  /**
   * Starts the publisher thread (a daemon named {@code audit-log-publisher}, ended by {@link
   * #close}).
   *
   * @param capacity events the queue holds, at least 1
   * @param time the clock that spaces drop warnings in the log
   */
  AuditPublisher(int capacity, EventSink sink, AuditLogMetrics metrics, Logger log,
      TimeSource time) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = sink;
    this.log = log;
    this.metrics = metrics;
    this.time = time;
    this.warnings = RateGate.open(Duration.ofSeconds(10), time);
    metrics.queueDepth(queue);
    this.thread = new Thread(this::publish, "audit-log-publisher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues an event; when the queue is full the event is dropped (counted, logged). */
  void offer(GenericRecord event) {
    if (!running) {
      dropped("shutdown", event, null);
    } else if (queue.offer(event)) {
      metrics.queued();
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
      try {
        sink.send(AuditEvents.key(event).getBytes(StandardCharsets.UTF_8),
                AuditEvents.encode(event), AuditEvents.headers(event))
            .whenComplete((ok, error) -> {
              if (error != null) {
                dropped("kafka-error", event, error);
              } else {
                metrics.published();
              }
            });
      } catch (RuntimeException e) {
        dropped("kafka-error", event, e);
      }
    }
  }

  private void dropped(String reason, GenericRecord event, Throwable cause) {
    metrics.dropped(reason);
    if (warnings.tryPass()) {
      log.warn("audit event dropped ({}): {} {} of {} by {}; further drops are counted in {} and"
          + " logged every 10 s", reason, event.get("decision"), event.get("operation"),
          event.get("resource"), event.get("principal"), metrics.droppedName(), cause);
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
