package dev.venice.spi.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * @param headers the Kafka record's headers, name to value (the last value of a repeated name; a
 *     header without a value maps to {@code null}), unmodifiable; empty for most records. A
 *     sampled real-time write carries {@link WritePathTimestampMap#HEADER} (since 1.5.0)
 * @param leader whether this replica led the partition when it applied the record (since 1.5.0)
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
    StageTimings timings,
    Map<String, byte[]> headers,
    boolean leader) {
  /** Validates the fields and copies the headers. */
  public IngestionRecord {
    Objects.requireNonNull(store, "store");
    headers = Objects.requireNonNull(headers, "headers").isEmpty() ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // values may be null
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(timings, "timings");
    if (type == RecordType.PUT && value == null) {
      throw new IllegalArgumentException(topic + "@" + offset + ": a put needs a value");
    }
  }

  /**
   * A record without headers, applied by a replica that does not lead (SPI 1.0's shape, kept for
   * callers compiled against it).
   */
  public IngestionRecord(String store, int version, int partition, long offset, String topic,
      RecordType type, byte[] key, byte[] value, int schemaId, long producerTimestampMs,
      StageTimings timings) {
    this(store, version, partition, offset, topic, type, key, value, schemaId,
        producerTimestampMs, timings, Map.of(), false);
  }
}
