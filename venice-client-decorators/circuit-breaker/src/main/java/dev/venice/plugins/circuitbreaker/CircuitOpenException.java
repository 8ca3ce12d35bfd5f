package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.client.ServiceUnavailableException;
import java.util.List;

/**
 * Every replica of a partition has its circuit breaker open (or half-open with every probe out):
 * the request failed at once, without a network call. Not {@linkplain #isRetriable() retriable},
 * so the client's failover and retries do not send it again: the breakers say no replica can serve
 * it until one of them lets a probe through ({@code wait-duration-in-open-state} after it opened).
 *
 * <p>The message names the store, the store version and partition, and the instances, e.g. {@code
 * store users: partition 3 of version 2: every replica's circuit breaker is open: [a_1, b_1]}. It
 * is created on the refused path, so it skips the stack trace (it would only show the decorator).
 */
public final class CircuitOpenException extends ServiceUnavailableException {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final List<String> instances;

  /**
   * @param store the store the request was for
   * @param version the store version being read
   * @param partition the partition of the request
   * @param instances the instance ids ({@code host_port}) whose breakers refused it
   */
  public CircuitOpenException(String store, int version, int partition, List<String> instances) {
    super(store, "partition " + partition + " of version " + version + ": every replica's"
        + " circuit breaker is open: " + instances, null);
    this.partition = partition;
    this.instances = List.copyOf(instances);
  }

  /** The partition of the refused request. */
  public int partition() {
    return partition;
  }

  /** The instance ids whose breakers refused the request. */
  public List<String> instances() {
    return instances;
  }

  /** Always {@code false}: no replica of the partition may be tried until a breaker lets one. */
  @Override
  public boolean isRetriable() {
    return false;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
