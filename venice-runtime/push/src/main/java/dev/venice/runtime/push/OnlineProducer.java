package dev.venice.runtime.push;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.server.WritePathTimestampMap;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;

/**
 * Writes to a hybrid store's real-time topic: each put or delete is acknowledged once Kafka has it
 * (all in-sync replicas), after which it is never lost; the partition leaders copy it into the
 * current version. Values are serialized with the store's newest value schema and written
 * uncompressed: leaders compress them for the version they write into.
 *
 * <p>A sampled fraction of puts (1% by default) carries a {@code write-path-timestamp-map} header
 * with the time it was sent ({@link WritePathTimestampMap}), which the leader extends and a
 * server's write-path-latency plugin turns into per-hop latencies; an unsampled put costs one
 * random draw. Thread-safe.
 */
public final class OnlineProducer implements AutoCloseable {
  /** The fraction of puts that carry a write-path timestamp map unless told otherwise. */
  public static final double DEFAULT_WRITE_PATH_SAMPLE_RATE = 0.01;

  private final String store;
  private final Schema keySchema;
  private final Schema valueSchema;
  private final int valueSchemaId;
  private final VeniceWriter writer;
  private final double writePathSampleRate;

  private OnlineProducer(String store, Schema keySchema, ValueSchema value, VeniceWriter writer,
      double writePathSampleRate) {
    this.store = store;
    this.writePathSampleRate = writePathSampleRate;
    this.keySchema = keySchema;
    this.valueSchema = new Schema.Parser().parse(value.schema());
    this.valueSchemaId = value.id();
    this.writer = writer;
  }

  /**
   * A producer for {@code store}, found through the controller at {@code controllerUrl}.
   *
   * @throws IllegalArgumentException when the store is not hybrid
   */
  public static OnlineProducer create(String controllerUrl, String store) {
    return create(controllerUrl, store, DEFAULT_WRITE_PATH_SAMPLE_RATE);
  }

  /**
   * A producer for {@code store} that stamps {@code writePathSampleRate} of its puts with a
   * {@code write-path-timestamp-map} header.
   *
   * @param writePathSampleRate the fraction of puts sampled, from 0 (none) to 1 (all)
   * @throws IllegalArgumentException when the store is not hybrid or the rate is outside [0, 1]
   */
  public static OnlineProducer create(String controllerUrl, String store,
      double writePathSampleRate) {
    return create(new ControllerClient(controllerUrl), store, writePathSampleRate);
  }

  /**
   * As {@link #create(String, String, double)}, asking through {@code admin} (a client with key
   * material for a cluster with {@code ssl.enabled}).
   */
  public static OnlineProducer create(ControllerClient admin, String store,
      double writePathSampleRate) {
    if (!(writePathSampleRate >= 0 && writePathSampleRate <= 1)) {
      throw new IllegalArgumentException("write-path sample rate " + writePathSampleRate
          + " is not between 0 and 1");
    }
    Store metadata = admin.getStore(store);
    if (metadata.hybrid() == null) {
      throw new IllegalArgumentException("store " + store + " is not hybrid: it takes no"
          + " real-time writes (set its hybrid settings first)");
    }
    StoreSchemas schemas = admin.schemas(store);
    String kafka = admin.cluster().get("kafkaBootstrapServers").asText();
    return new OnlineProducer(store, new Schema.Parser().parse(schemas.keySchema()),
        schemas.valueSchemas().get(schemas.valueSchemas().size() - 1),
        new VeniceWriter(kafka, TopicNames.realTimeTopic(store), metadata.partitionCount()),
        writePathSampleRate);
  }

  /** Writes a value; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> put(Object key, Object value) {
    try {
      byte[] keyBytes = AvroSerde.serialize(keySchema, key);
      byte[] valueBytes = AvroSerde.serialize(valueSchema, value);
      Map<String, byte[]> headers = writePathSampleRate > 0
          && ThreadLocalRandom.current().nextDouble() < writePathSampleRate
          ? Map.of(WritePathTimestampMap.HEADER, WritePathTimestampMap.produced(
              WritePathTimestampMap.epochMicros(Instant.now())).encode())
          : Map.of();
      return writer.put(keyBytes, valueBytes, valueSchemaId, headers).thenApply(m -> null);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("store " + store + ": "
          + e.getMessage(), e));
    }
  }

  /** Removes a key; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> delete(Object key) {
    try {
      return writer.delete(AvroSerde.serialize(keySchema, key)).thenApply(m -> null);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("store " + store + ": "
          + e.getMessage(), e));
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
