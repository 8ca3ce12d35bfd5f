package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.client.ServiceUnavailableException;

/**
 * One attempt refused by its instance's breaker (OPEN, or HALF_OPEN with every probe out), without
 * a network call. {@linkplain #isRetriable() Retriable}: the client's failover sends the request to
 * the next candidate replica. Seen by a caller only when that instance was the last candidate.
 * Created on the refused path, so it skips the stack trace.
 */
final class ReplicaCircuitOpenException extends ServiceUnavailableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param store the store the request was for
   * @param partition the partition of the request
   * @param instance the instance id whose breaker refused it
   */
  ReplicaCircuitOpenException(String store, int partition, String instance) {
    super(store, "partition " + partition + ": the circuit breaker of replica " + instance
        + " is open; not sent there", null);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
