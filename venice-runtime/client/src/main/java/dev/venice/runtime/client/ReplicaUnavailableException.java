package dev.venice.runtime.client;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ServiceUnavailableException;

/**
 * One replica could not be reached (gRPC {@code UNAVAILABLE}), and which one: the fast client's
 * failover drops that replica from the candidates it retries with, even when a decorator had
 * reordered or filtered them so that it was not the first. Retriable.
 */
final class ReplicaUnavailableException extends ServiceUnavailableException {
  private static final long serialVersionUID = 1L;

  private final transient Replica replica;

  ReplicaUnavailableException(String store, Replica replica, String message, Throwable cause) {
    super(store, "replica " + replica.instanceId() + ": " + message, cause);
    this.replica = replica;
  }

  /** The replica that could not be reached. */
  Replica replica() {
    return replica;
  }
}
