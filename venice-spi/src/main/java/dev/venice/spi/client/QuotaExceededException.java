package dev.venice.spi.client;

/**
 * The store's read quota, or a client-side rate limit, refused the request (HTTP 429 in Venice).
 * Not retriable: retrying would only add load.
 */
public class QuotaExceededException extends VeniceClientException {
  private static final long serialVersionUID = 1L;

  /**
   * @param store the store whose quota was exceeded
   * @param message which limit refused the request
   */
  public QuotaExceededException(String store, String message) {
    super(store, message, null);
  }
}
