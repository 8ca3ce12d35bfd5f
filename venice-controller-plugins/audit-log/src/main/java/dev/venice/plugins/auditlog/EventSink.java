package dev.venice.plugins.auditlog;

import java.util.concurrent.CompletableFuture;

/** Where the publisher sends encoded events: Kafka in production. */
interface EventSink extends AutoCloseable {
  /** Sends one event keyed by {@code key}; the future completes when it is durable. */
  CompletableFuture<Void> send(byte[] key, byte[] event);

  @Override
  void close();
}
