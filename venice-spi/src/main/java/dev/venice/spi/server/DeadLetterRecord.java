package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record a server did not apply: undecodable, malformed, or rejected by an {@link
 * IngestionRecordHook}. Handed to {@link IngestionRecordHook#onDeadLetter} with the bytes exactly
 * as they were read from Kafka, so a hook can forward them unchanged (for example to a {@code
 * <store>_dlq} topic).
 *
 * @param store the store
 * @param version the store version being written
 * @param partition the partition
 * @param topic the topic it was read from ({@code <store>_v<N>} or {@code <store>_rt})
 * @param offset its offset in that topic partition
 * @param timestampMs the Kafka record's timestamp (epoch milliseconds)
 * @param key the Kafka record's key bytes as read, {@code null} when it had none (shared: treat as
 *     read-only)
 * @param value the Kafka record's value bytes as read (the runtime's envelope, not decoded), {@code
 *     null} when it had none
 * @param headers the Kafka record's headers, name to value (the last value of a repeated name; a
 *     header without a value maps to {@code null}), unmodifiable
 * @param reason a stable code, e.g. {@code undecodable}, {@code empty-key}, {@code rejected}
 * @param message what was wrong, in words
 * @param permanent {@code true} when applying it again can never succeed (the record itself is
 *     bad); {@code false} for a failure that a retry may clear (storage I/O, a broker briefly away)
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public record DeadLetterRecord(
    String store,
    int version,
    int partition,
    String topic,
    long offset,
    long timestampMs,
    byte[] key,
    byte[] value,
    Map<String, byte[]> headers,
    String reason,
    String message,
    boolean permanent) {
  /** Validates the fields and copies the header map. */
  public DeadLetterRecord {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // values may be null
  }
}
