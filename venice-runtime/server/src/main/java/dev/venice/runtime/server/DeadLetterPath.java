package dev.venice.runtime.server;

import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition replica's dead-letter path: a record it cannot apply (permanently: undecodable, no
 * key, an unknown schema, a value its schema cannot read, rejected by a plugin) is described with
 * its bytes as read, kept as the Kafka record a plugin makes of it (if one keeps dead letters for
 * the store), then counted in {@code venice.server.ingestion.dead.letter{store,reason}}, logged and
 * handed to the hooks' {@code onDeadLetter}. Only then does the replica move past it.
 *
 * <p>Keeping never loses a record: a version-topic dead letter is written here and the ingestion
 * thread waits, retrying every second, until Kafka acknowledges it (or the replica stops, which
 * leaves the record to be read again); a real-time one is written by the partition's leader in its
 * copy transaction ({@link RealTimeLeader}), which aborts and retries the whole batch while it
 * cannot. Either way the wait is counted and logged ({@link DeadLetterWriter}). Runs on the
 * partition's ingestion thread, but for {@link #writeFailed}, which a leader's failed send reports
 * from Kafka's callback thread.
 */
final class DeadLetterPath {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPath.class);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String store;
  private final int version;
  private final int partition;
  private final Supplier<IngestionHooks> hooks;
  private final DeadLetterWriter writer;
  private final MeterRegistry registry;
  private final BooleanSupplier running;
  private final AtomicInteger blockedPartitions;
  /** Whether this partition counts as waiting (set from Kafka's callback thread too). */
  private final AtomicBoolean blocked = new AtomicBoolean();

  /**
   * @param hooks the replica's hooks (those on for its store when it opened); {@code null} before
   * @param running whether the replica is still ingesting (a wait ends when it stops)
   */
  DeadLetterPath(String store, int version, int partition, Supplier<IngestionHooks> hooks,
      DeadLetterWriter writer, MeterRegistry registry, BooleanSupplier running) {
    this.store = store;
    this.version = version;
    this.partition = partition;
    this.hooks = hooks;
    this.writer = writer;
    this.registry = registry;
    this.running = running;
    this.blockedPartitions = writer.blockedPartitions(store);
  }

  /** The dead letter of {@code record}: its bytes and headers as read, always permanent. */
  DeadLetterRecord describe(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
    Map<String, byte[]> headers = new HashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), h.value()));
    return new DeadLetterRecord(store, version, partition, record.topic(), record.offset(),
        record.timestamp(), record.key(), record.value(), headers, reason, String.valueOf(detail),
        true);
  }

  /** The Kafka record a plugin keeps {@code letter} as; empty when none keeps dead letters. */
  Optional<DeadLetterMessage> message(DeadLetterRecord letter) {
    IngestionHooks replicaHooks = hooks.get();
    return replicaHooks == null || replicaHooks.isEmpty() ? Optional.empty()
        : replicaHooks.deadLetterMessage(letter);
  }

  /**
   * Writes a version-topic dead letter's message, waiting (retrying every second) until Kafka has
   * it.
   *
   * @throws WakeupException when the replica stops while waiting: the record was not moved past
   */
  void keep(DeadLetterRecord letter, DeadLetterMessage message) {
    while (true) {
      try {
        writer.write(message);
        unblocked();
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null
            ? e.getCause() : e;
        writeFailed(letter, message.topic(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      }
      long until = System.nanoTime() + RETRY_NANOS;
      while (running.getAsBoolean() && System.nanoTime() < until) {
        LockSupport.parkNanos(until - System.nanoTime()); // a retry delay, woken early by stop
      }
      if (!running.getAsBoolean()) {
        throw new WakeupException();
      }
    }
  }

  /**
   * A dead letter's message could not be written (to {@code topic}): counts it, marks the
   * partition as waiting and logs it (attempts are a second apart).
   */
  void writeFailed(DeadLetterRecord letter, String topic, Throwable error) {
    writer.writeFailed(store);
    if (blocked.compareAndSet(false, true)) {
      blockedPartitions.incrementAndGet();
    }
    LOG.warn("{} partition {}: cannot write the dead letter of {} offset {} to {} ({}); the"
        + " partition's ingestion waits and retries every second", store, partition,
        letter.topic(), letter.offset(), topic, error.toString());
  }

  /** The partition's dead letters are being written again. */
  void unblocked() {
    if (blocked.compareAndSet(true, false)) {
      blockedPartitions.decrementAndGet();
      LOG.info("{} partition {}: dead letters are written again; ingestion goes on", store,
          partition);
    }
  }

  /** The record was kept (or nobody keeps it): count, log and tell the hooks. */
  void handled(DeadLetterRecord letter) {
    Counter.builder("venice.server.ingestion.dead.letter")
        .description("Records sent to the dead-letter path instead of storage")
        .tag("store", store).tag("reason", letter.reason()).register(registry).increment();
    LOG.warn("{} partition {} offset {}: dead letter ({}): {}", letter.topic(), partition,
        letter.offset(), letter.reason(), letter.message());
    IngestionHooks replicaHooks = hooks.get();
    if (replicaHooks != null && !replicaHooks.isEmpty()) {
      replicaHooks.deadLetter(letter);
    }
  }
}
