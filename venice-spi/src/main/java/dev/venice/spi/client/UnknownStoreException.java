package dev.venice.spi.client;

/** The store does not exist (or has no current version to read). Not retriable. */
public class UnknownStoreException extends VeniceClientException {
  private static final long serialVersionUID = 1L;

  /**
   * @param store the store that was asked for
   * @param message what the host knows about it
   */
  public UnknownStoreException(String store, String message) {
    super(store, message, null);
  }
}
