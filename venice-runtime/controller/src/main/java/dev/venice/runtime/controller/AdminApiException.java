package dev.venice.runtime.controller;

/**
 * A request the controller refuses, with the HTTP status and error type the admin API answers
 * with. Messages name the store, schema or parameter at fault.
 */
final class AdminApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  AdminApiException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  static AdminApiException badRequest(String message) {
    return new AdminApiException(400, "BAD_REQUEST", message);
  }

  static AdminApiException storeNotFound(String store) {
    return new AdminApiException(404, "STORE_NOT_FOUND", "store " + store + " does not exist");
  }

  static AdminApiException storeExists(String store) {
    return new AdminApiException(409, "STORE_EXISTS", "store " + store + " already exists");
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }
}
