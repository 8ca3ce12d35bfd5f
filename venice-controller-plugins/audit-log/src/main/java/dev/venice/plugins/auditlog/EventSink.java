package dev.venice.plugins.auditlog;

import dev.venice.spi.host.HostServices;
import java.util.concurrent.CompletableFuture;

/** Where the publisher sends encoded events: Kafka in production. */
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

  /** Sends one event keyed by {@code key}; the future completes when it is durable. */
  CompletableFuture<Void> send(byte[] key, byte[] event);

  @Override
  void close();
}
