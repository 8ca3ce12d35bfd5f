package dev.venice.runtime.server;

import dev.venice.spi.server.DeadLetterMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The server's side of keeping dead letters, shared by its replicas (thread-safe): the producer
 * that writes version-topic dead letters a plugin keeps (idempotent, {@code acks=all}, created on
 * first use), and the meters that say when a partition waits because it cannot write one: {@code
 * venice.server.ingestion.dead.letter.write.failures{store}} (failed writes) and {@code
 * venice.server.ingestion.dead.letter.blocked.partitions{store}} (partitions waiting now).
 * Hybrid leaders write real-time dead letters in their own transactions instead.
 */
final class DeadLetterWriter implements AutoCloseable {
  /** How long one write may take, from the send to the acknowledgement. */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final String kafkaBootstrap;
  private final String instanceId;
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> blocked = new ConcurrentHashMap<>();
  private Producer<byte[], byte[]> producer;
  private boolean closed;

  DeadLetterWriter(String kafkaBootstrap, String instanceId, MeterRegistry registry) {
    this.kafkaBootstrap = kafkaBootstrap;
    this.instanceId = instanceId;
    this.registry = registry;
  }

  /**
   * Writes {@code message} and waits for all in-sync replicas to have it.
   *
   * @throws ExecutionException when Kafka refused it (topic missing, message too large, ...)
   * @throws TimeoutException when Kafka did not complete it within twice {@link #WRITE_TIMEOUT}
   * @throws InterruptedException when the waiting thread was interrupted
   * @throws IllegalStateException when the writer is closed
   */
  void write(DeadLetterMessage message)
      throws ExecutionException, TimeoutException, InterruptedException {
    RecordHeaders headers = new RecordHeaders();
    message.headers().forEach(headers::add);
    // Kafka completes the send within delivery.timeout.ms (WRITE_TIMEOUT): waiting twice that
    // long never gives up on a write that is still going to succeed (a resend would keep a
    // second copy); the longer bound only guards against a broken client
    producer().send(new ProducerRecord<>(message.topic(), null, message.key(), message.value(),
        headers)).get(2 * WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Counts a failed write of a dead letter of {@code store}. */
  void writeFailed(String store) {
    Counter.builder("venice.server.ingestion.dead.letter.write.failures")
        .description("Dead letters a plugin keeps that could not be written (the partition waits"
            + " and retries)")
        .tag("store", store).register(registry).increment();
  }

  /** The count of {@code store}'s partitions waiting to write a dead letter, exported as a gauge. */
  AtomicInteger blockedPartitions(String store) {
    return blocked.computeIfAbsent(store, s -> {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder("venice.server.ingestion.dead.letter.blocked.partitions", count,
              AtomicInteger::get)
          .description("Partitions whose ingestion waits because a dead letter cannot be written")
          .tag("store", s).register(registry);
      return count;
    });
  }

  private synchronized Producer<byte[], byte[]> producer() {
    if (closed) {
      throw new IllegalStateException("the dead-letter writer is closed");
    }
    if (producer == null) {
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-dead-letters");
      int timeout = (int) WRITE_TIMEOUT.toMillis();
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
      config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout / 2);
      config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
      config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
