package dev.venice.spi.client;

import java.time.Duration;

/** The request's deadline passed before an answer arrived. Retriable. */
public class RequestTimeoutException extends VeniceClientException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /**
   * @param store the store the request was for
   * @param timeout the time the request was allowed
   */
  public RequestTimeoutException(String store, Duration timeout) {
    super(store, "no answer within " + timeout.toMillis() + " ms", null);
    this.timeout = timeout;
  }

  /** The time the request was allowed. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
