package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Encodes a dead letter as the Kafka record kept in {@code <store>_dlq}, format version 1: the
 * original record's key and value bytes unchanged, and the error record in headers (UTF-8 text),
 * in this order:
 *
 * <pre>
 * dlq.format.version   1
 * dlq.error.type       the host's reason: undecodable, empty-key, unknown-schema,
 *                      schema-violation, unknown-type, unknown-control, undecompressable, rejected
 * dlq.error.message    what was wrong, in words (at most {@value #MAX_MESSAGE_CHARS} characters)
 * dlq.store            the store
 * dlq.version          the store version being written
 * dlq.partition        the partition
 * dlq.source.topic     the topic the record was read from (&lt;store&gt;_rt or &lt;store&gt;_v&lt;N&gt;)
 * dlq.source.offset    its offset there
 * dlq.source.timestamp its Kafka timestamp (epoch ms)
 * dlq.timestamp        when it was dead-lettered (epoch ms, the injected clock)
 * dlq.instance         the server that kept it
 * </pre>
 *
 * then the original record's own headers, under their own names; an original header whose name
 * starts with {@code dlq.} is kept as {@code dlq.original.<name>}, so it never clashes. Readers
 * must ignore headers they do not know; a new format version may add headers, never change these.
 * Thread-safe (stateless but for the clock).
 */
final class DeadLetterEncoder {
  /** The format version written in {@code dlq.format.version}. */
  static final String FORMAT_VERSION = "1";
  /** The suffix of a store's dead-letter topic. */
  static final String TOPIC_SUFFIX = "_dlq";
  /** The most characters of {@code dlq.error.message} kept (a Kafka header has no small cap). */
  static final int MAX_MESSAGE_CHARS = 2000;
  static final String PREFIX = "dlq.";

  private final LongSupplier clockMs;
  private final String instance;

  /**
   * @param clockMs the wall clock, epoch milliseconds ({@code dlq.timestamp})
   * @param instance this server's instance id ({@code dlq.instance})
   */
  DeadLetterEncoder(LongSupplier clockMs, String instance) {
    this.clockMs = clockMs;
    this.instance = instance;
  }

  /** The dead-letter topic of {@code store}: {@code <store>_dlq}. */
  static String topic(String store) {
    return store + TOPIC_SUFFIX;
  }

  /** The Kafka record {@code letter} is kept as. */
  DeadLetterMessage encode(DeadLetterRecord letter) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    put(headers, "dlq.format.version", FORMAT_VERSION);
    put(headers, "dlq.error.type", letter.reason());
    String message = letter.message();
    put(headers, "dlq.error.message", message.length() <= MAX_MESSAGE_CHARS ? message
        : message.substring(0, MAX_MESSAGE_CHARS - 1) + "…");
    put(headers, "dlq.store", letter.store());
    put(headers, "dlq.version", Integer.toString(letter.version()));
    put(headers, "dlq.partition", Integer.toString(letter.partition()));
    put(headers, "dlq.source.topic", letter.topic());
    put(headers, "dlq.source.offset", Long.toString(letter.offset()));
    put(headers, "dlq.source.timestamp", Long.toString(letter.timestampMs()));
    put(headers, "dlq.timestamp", Long.toString(clockMs.getAsLong()));
    put(headers, "dlq.instance", instance);
    letter.headers().forEach((name, value) -> headers.put(
        name.startsWith(PREFIX) ? "dlq.original." + name : name, value));
    return new DeadLetterMessage(topic(letter.store()), letter.key(), letter.value(), headers);
  }

  private static void put(Map<String, byte[]> headers, String name, String value) {
    headers.put(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
