package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A dead letter as the Kafka record a plugin keeps it as: what {@link
 * IngestionRecordHook#deadLetterMessage} returns, and the host writes before the partition moves
 * past the record. The host writes exactly these bytes, partitioned by Kafka's default partitioner
 * (by key; any partition for a {@code null} key).
 *
 * @param topic the topic to write to, for example {@code <store>_dlq}; it must exist (the host
 *     never creates topics: until it exists the partition waits)
 * @param key the record's key bytes, {@code null} for none (a dead-letter queue keeps the original
 *     key unchanged)
 * @param value the record's value bytes, {@code null} for none
 * @param headers header name to value (a {@code null} value for a header without one), in order
 * @since 1.5.0
 */
@Experimental(since = "1.5.0")
public record DeadLetterMessage(String topic, byte[] key, byte[] value,
    Map<String, byte[]> headers) {
  /** Validates the fields and copies the header map. */
  public DeadLetterMessage {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("a dead-letter message needs a topic");
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // values may be null
  }
}
