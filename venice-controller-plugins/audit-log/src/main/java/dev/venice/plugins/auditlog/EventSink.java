package dev.venice.plugins.auditlog;

import dev.venice.spi.host.HostServices;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the publisher sends encoded events: Kafka in production ({@link KafkaEventSink}), a
 * recording fake in tests. Called from the publisher's one thread only.
 */
interface EventSink extends AutoCloseable {
  /** Opens the sink the plugin publishes to (the Kafka one in production). */
  @FunctionalInterface
  interface Factory {
    /**
     * @param config the plugin's process-wide settings
     * @param host the host's services (its Kafka client settings)
     * @throws Exception when the sink cannot be opened; the plugin then fails to start
     */
    EventSink open(AuditLogConfig config, HostServices host) throws Exception;
  }

  /**
   * Sends one event; the future completes when it is durable, or exceptionally when it never will
   * be (the publisher then counts it as dropped, {@code reason="kafka-error"}).
   *
   * @param key the record key: the event's store, or its cluster, as UTF-8
   * @param event the event in Avro single-object encoding
   * @param headers plain-text record headers, in order ({@code principal}, {@code operation},
   *     {@code decision}, {@code resource}), written as UTF-8
   * @throws RuntimeException when the event cannot even be handed over (counted the same way)
   */
  CompletableFuture<Void> send(byte[] key, byte[] event, Map<String, String> headers);

  @Override
  void close();
}
