package dev.venice.runtime.common.admin;

import java.util.Map;
import java.util.Objects;

/**
 * A request an admin route refuses: the HTTP status, the {@code errorType} and a message naming
 * the parameter, field, store or file at fault. The admin server answers it as {@code {"error":
 * message, "errorType": type}}; a 5xx is never thrown this way for a caller's mistake.
 */
public class AdminHttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final AdminErrorType type;
  private final Map<String, String> headers;

  /**
   * @param type the machine-readable error type, which sets the HTTP status
   * @param message the human-readable reason
   */
  public AdminHttpException(AdminErrorType type, String message) {
    this(type, message, Map.of());
  }

  /** The same with response headers, e.g. {@code Allow} on a 405. */
  public AdminHttpException(AdminErrorType type, String message, Map<String, String> headers) {
    super(message);
    this.type = Objects.requireNonNull(type, "type");
    this.status = type.status();
    this.headers = Map.copyOf(headers);
  }

  /** A 400 {@code BAD_REQUEST}. */
  public static AdminHttpException badRequest(String message) {
    return new AdminHttpException(AdminErrorType.BAD_REQUEST, message);
  }

  /** A 404 {@code STORE_NOT_FOUND} for {@code store}. */
  public static AdminHttpException storeNotFound(String store) {
    return new AdminHttpException(AdminErrorType.STORE_NOT_FOUND,
        "store " + store + " does not exist");
  }

  /** A 409 {@code STORE_EXISTS} for {@code store}. */
  public static AdminHttpException storeExists(String store) {
    return new AdminHttpException(AdminErrorType.STORE_EXISTS,
        "store " + store + " already exists");
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The error type. */
  public AdminErrorType type() {
    return type;
  }

  /** Headers to send with the error. */
  public Map<String, String> headers() {
    return headers;
  }
}
