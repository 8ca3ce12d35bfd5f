package dev.venice.spi.server;

import java.util.Objects;

/**
 * A data record a server is about to apply from a version topic or real-time topic.
 *
 * @param store the store
 * @param version the store version being written
 * @param partition the partition
 * @param offset the record's offset in its topic partition
 * @param topic the topic it was read from ({@code <store>_v<N>} or {@code <store>_rt})
 * @param type put or delete
 * @param key the serialized key (shared: treat as read-only)
 * @param value the serialized, decompressed value; {@code null} for a delete
 * @param schemaId the value schema id; {@code -1} for a delete
 * @param producerTimestampMs when the producer wrote the record (epoch milliseconds)
 * @param timings per-stage timings, filled in as the record moves on
 */
public record IngestionRecord(
    String store,
    int version,
    int partition,
    long offset,
    String topic,
    RecordType type,
    byte[] key,
    byte[] value,
    int schemaId,
    long producerTimestampMs,
    StageTimings timings) {
  /** Validates the fields. */
  public IngestionRecord {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(timings, "timings");
    if (type == RecordType.PUT && value == null) {
      throw new IllegalArgumentException(topic + "@" + offset + ": a put needs a value");
    }
  }
}
