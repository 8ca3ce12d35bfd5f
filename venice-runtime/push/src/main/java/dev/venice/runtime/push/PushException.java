package dev.venice.runtime.push;

/** A push that could not be completed; the message names the store, file and record at fault. */
public final class PushException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   */
  public PushException(String message, Throwable cause) {
    super(message, cause);
  }
}
