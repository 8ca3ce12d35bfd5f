package dev.venice.runtime.common.controller;

/**
 * The controller refused a request, or could not be reached. {@link #status()} is the HTTP status
 * (0 when no answer came), {@link #errorType()} the controller's error type.
 */
public final class ControllerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorType;

  /**
   * @param status the HTTP status, 0 when the controller did not answer
   * @param errorType the controller's error type, e.g. {@code STORE_NOT_FOUND}
   * @param message the controller's message
   * @param cause the transport failure, or {@code null}
   */
  public ControllerException(int status, String errorType, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorType = errorType;
  }

  /** The HTTP status, 0 when the controller did not answer. */
  public int status() {
    return status;
  }

  /** The controller's error type, e.g. {@code STORE_NOT_FOUND}; {@code UNREACHABLE} without answer. */
  public String errorType() {
    return errorType;
  }
}
