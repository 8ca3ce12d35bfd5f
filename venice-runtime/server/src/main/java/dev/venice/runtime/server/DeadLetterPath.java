package dev.venice.runtime.server;

import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
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
import java.util.regex.Pattern;
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
  /** Version topics ({@code <store>_v<N>}) and real-time topics ({@code <store>_rt}). */
  private static final Pattern DATA_TOPIC = Pattern.compile(".+_(v[0-9]+|rt)");

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
    Map<String, byte[]> headers = new LinkedHashMap<>();
    record.headers().forEach(h -> headers.put(h.key(), h.value()));
    return new DeadLetterRecord(store, version, partition, record.topic(), record.offset(),
        record.timestamp(), record.key(), record.value(), headers, reason, String.valueOf(detail),
        true);
  }

  /**
   * The Kafka record a plugin keeps {@code letter} as; empty when none keeps dead letters. A
   * message aimed at one of the data path's own topics (a version or real-time topic) is refused
   * and logged: raw bytes there would be read as data.
   */
  Optional<DeadLetterMessage> message(DeadLetterRecord letter) {
    IngestionHooks replicaHooks = hooks.get();
    Optional<DeadLetterMessage> message = replicaHooks == null || replicaHooks.isEmpty()
        ? Optional.empty() : replicaHooks.deadLetterMessage(letter);
    if (message.isPresent() && DATA_TOPIC.matcher(message.get().topic()).matches()) {
      LOG.error("{} partition {}: a plugin asked to keep a dead letter in {}, a data topic;"
          + " refused", store, partition, message.get().topic());
      return Optional.empty();
    }
    return message;
  }

  /**
   * Keeps a version-topic dead letter: writes the message a plugin makes of it, waiting (retrying
   * every second) until Kafka has it. The plugin is asked again on each attempt, so switching the
   * store's dead-letter queue off releases a partition waiting on a message that can never be
   * written (one too large for its topic, say).
   *
   * @throws WakeupException when the replica stops while waiting: the record was not moved past
   */
  void keep(DeadLetterRecord letter) {
    while (true) {
      Optional<DeadLetterMessage> kept = message(letter);
      if (kept.isEmpty()) {
        unblocked();
        return;
      }
      DeadLetterMessage message = kept.get();
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
        LockSupport.parkNanos(until - System.nanoTime()); // a retry delay; stop() unparks it
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
