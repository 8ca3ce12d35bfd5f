package dev.venice.spi.client;

/**
 * The root of the exceptions a {@link StoreClient} completes its futures with. The message names the
 * store (and the key or replica where one is at fault); {@link #store()} returns the store.
 */
public class VeniceClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String store;

  /**
   * @param store the store the request was for
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   */
  public VeniceClientException(String store, String message, Throwable cause) {
    super("store " + store + ": " + message, cause);
    this.store = store;
  }

  /** The store the request was for. */
  public String store() {
    return store;
  }

  /** Whether sending the same request again (to another replica, later) may succeed. */
  public boolean isRetriable() {
    return false;
  }
}
