package dev.venice.runtime.common.data;

import dev.venice.runtime.common.meta.CompressionStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes envelopes to one topic, partitioned with the store's {@link Partitioner} (or into a given
 * partition), numbering each partition's records so servers can spot duplicates and gaps. The
 * producer is idempotent with {@code acks=all}, so a partition's records arrive in order. Not
 * thread-safe per partition ordering beyond what one Kafka producer guarantees: one writer, one
 * producing thread per partition.
 *
 * <p>A {@linkplain #transactional transactional} writer (a hybrid partition's leader) writes in
 * Kafka transactions under a {@code transactional.id}: opening it fences every earlier writer with
 * the same id (their next send or commit fails with {@code ProducerFencedException}) and aborts
 * the transaction they had open, so readers with {@code isolation.level=read_committed} never see
 * a record of theirs written after that.
 */
public final class VeniceWriter implements AutoCloseable {
  private final String topic;
  private final int partitionCount;
  private final String producerId = UUID.randomUUID().toString();
  private final long[] sequences;
  private final Producer<byte[], byte[]> producer;

  /**
   * @param bootstrapServers Kafka bootstrap servers
   * @param topic the topic
   * @param partitionCount its partition count
   */
  public VeniceWriter(String bootstrapServers, String topic, int partitionCount) {
    this(bootstrapServers, topic, partitionCount, null);
  }

  private VeniceWriter(String bootstrapServers, String topic, int partitionCount,
      String transactionalId) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partitionCount = partitionCount;
    this.sequences = new long[partitionCount];
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "venice-writer-" + topic + "-"
        + producerId.substring(0, 8));
    if (transactionalId != null) {
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      // bounded waits: opening or committing fails within 10 s instead of a minute, and a
      // transaction left open by a crash is aborted after 10 s at the latest
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
      config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    }
    this.producer = new KafkaProducer<>(config, new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * A writer that writes in transactions under {@code transactionalId}, after fencing every earlier
   * writer with that id ({@code initTransactions}: their open transaction is aborted).
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached within 10 s
   *     ({@code max.block.ms}) or the id is fenced meanwhile; the writer is closed then
   */
  public static VeniceWriter transactional(String bootstrapServers, String topic,
      int partitionCount, String transactionalId) {
    VeniceWriter writer = new VeniceWriter(bootstrapServers, topic, partitionCount,
        Objects.requireNonNull(transactionalId, "transactionalId"));
    try {
      writer.producer.initTransactions();
      return writer;
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /** Starts a transaction (transactional writers only). */
  public void beginTransaction() {
    producer.beginTransaction();
  }

  /**
   * Commits the open transaction, blocking until Kafka has it.
   *
   * @throws org.apache.kafka.common.errors.ProducerFencedException when a newer writer with the
   *     same transactional id exists; other {@code KafkaException}s when the commit failed
   */
  public void commitTransaction() {
    producer.commitTransaction();
  }

  /**
   * Aborts the open transaction: none of its records will be read. The writer is then closed, not
   * reused (its sequence numbers went on counting the aborted records).
   */
  public void abortTransaction() {
    producer.abortTransaction();
  }

  /** This writer's producer id. */
  public String producerId() {
    return producerId;
  }

  /** The topic. */
  public String topic() {
    return topic;
  }

  /** Sends start-of-push to every partition. */
  public CompletableFuture<Void> startOfPush(CompressionStrategy compression) {
    return control(Envelope.ControlType.START_OF_PUSH, compression);
  }

  /** Sends end-of-push to every partition (after everything sent before it). */
  public CompletableFuture<Void> endOfPush() {
    return control(Envelope.ControlType.END_OF_PUSH, CompressionStrategy.NO_OP);
  }

  /** Writes a value (already serialized and compressed) for a key. */
  public CompletableFuture<RecordMetadata> put(byte[] key, byte[] value, int schemaId) {
    return put(key, value, schemaId, Map.of());
  }

  /**
   * Writes a value (already serialized and compressed) for a key, with Kafka headers (e.g. a
   * sampled write's {@code write-path-timestamp-map}).
   */
  public CompletableFuture<RecordMetadata> put(byte[] key, byte[] value, int schemaId,
      Map<String, byte[]> headers) {
    int partition = Partitioner.partition(key, partitionCount);
    return send(partition, key, data(Envelope.MessageType.PUT, partition, value, schemaId, -1),
        headers);
  }

  /** Removes a key. */
  public CompletableFuture<RecordMetadata> delete(byte[] key) {
    int partition = Partitioner.partition(key, partitionCount);
    return send(partition, key, data(Envelope.MessageType.DELETE, partition, new byte[0], -1, -1));
  }

  /**
   * Copies a real-time record into {@code partition} of this (version) topic, stamped with this
   * writer's id and sequence and the real-time offset it came from (what a hybrid leader does).
   */
  public CompletableFuture<RecordMetadata> copyFromRealTime(int partition, byte[] key,
      Envelope original, long realTimeOffset, Map<String, byte[]> headers) {
    long sequence = nextSequence(partition);
    return send(partition, key, original.withUpstream(producerId, sequence, realTimeOffset),
        headers);
  }

  /**
   * Marks in {@code partition} of this (version) topic that the real-time record at {@code
   * realTimeOffset} was not copied (it took the dead-letter path): every replica moves its
   * real-time position past it, so no later leader reads it again. Changes no data.
   */
  public CompletableFuture<RecordMetadata> skipFromRealTime(int partition, long realTimeOffset) {
    Envelope marker = new Envelope(Envelope.MessageType.CONTROL,
        Envelope.ControlType.REAL_TIME_SKIPPED, producerId, nextSequence(partition),
        System.currentTimeMillis(), realTimeOffset, -1, new byte[0], CompressionStrategy.NO_OP);
    return send(partition, Envelope.CONTROL_KEY, marker);
  }

  /**
   * Writes a record as is to another topic, partitioned by Kafka's default partitioner, through
   * this writer's producer: a transactional writer writes it in its open transaction, so
   * read_committed readers see it exactly when they see the transaction's other records.
   *
   * @param otherTopic the topic, which must exist (the send fails after {@code max.block.ms}
   *     otherwise)
   * @param headers header name to value, in order; a value may be {@code null}
   */
  public CompletableFuture<RecordMetadata> sendTo(String otherTopic, byte[] key, byte[] value,
      Map<String, byte[]> headers) {
    return toFuture(new ProducerRecord<>(otherTopic, null, key, value, recordHeaders(headers)));
  }

  /** Writes an envelope as is (tests use it to write malformed or replayed records). */
  public CompletableFuture<RecordMetadata> sendRaw(int partition, byte[] key, byte[] value) {
    return toFuture(new ProducerRecord<>(topic, partition, key, value));
  }

  /** Waits until everything sent so far is acknowledged. */
  public void flush() {
    producer.flush();
  }

  /** Closes the producer, waiting at most 10 s for records still in flight. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  private CompletableFuture<Void> control(Envelope.ControlType type,
      CompressionStrategy compression) {
    CompletableFuture<?>[] sent = new CompletableFuture<?>[partitionCount];
    for (int p = 0; p < partitionCount; p++) {
      Envelope envelope = new Envelope(Envelope.MessageType.CONTROL, type, producerId,
          nextSequence(p), System.currentTimeMillis(), -1, -1, new byte[0], compression);
      sent[p] = send(p, Envelope.CONTROL_KEY, envelope);
    }
    return CompletableFuture.allOf(sent);
  }

  private Envelope data(Envelope.MessageType type, int partition, byte[] value, int schemaId,
      long upstreamOffset) {
    return new Envelope(type, Envelope.ControlType.NONE, producerId, nextSequence(partition),
        System.currentTimeMillis(), upstreamOffset, schemaId, value, CompressionStrategy.NO_OP);
  }

  private synchronized long nextSequence(int partition) {
    return sequences[partition]++;
  }

  private CompletableFuture<RecordMetadata> send(int partition, byte[] key, Envelope envelope) {
    return send(partition, key, envelope, Map.of());
  }

  private CompletableFuture<RecordMetadata> send(int partition, byte[] key, Envelope envelope,
      Map<String, byte[]> headers) {
    return toFuture(new ProducerRecord<>(topic, partition, key, envelope.encode(),
        headers.isEmpty() ? null : recordHeaders(headers)));
  }

  private static RecordHeaders recordHeaders(Map<String, byte[]> headers) {
    RecordHeaders recordHeaders = new RecordHeaders();
    headers.forEach(recordHeaders::add);
    return recordHeaders;
  }

  private CompletableFuture<RecordMetadata> toFuture(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    producer.send(record, (metadata, error) -> {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(metadata);
      }
    });
    return future;
  }
}
