package dev.venice.spi.client;

/**
 * No replica could serve the request: none ready, the chosen one failed or is overloaded, or a
 * circuit breaker is open. Retriable.
 */
public class ServiceUnavailableException extends VeniceClientException {
  private static final long serialVersionUID = 1L;

  /**
   * @param store the store the request was for
   * @param message why no replica could serve it
   * @param cause the underlying failure, or {@code null}
   */
  public ServiceUnavailableException(String store, String message, Throwable cause) {
    super(store, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
