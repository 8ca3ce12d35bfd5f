package dev.venice.runtime.common.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an admin route answers.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body, complete (never streamed)
 * @param headers extra response headers
 */
public record AdminResponse(int status, String contentType, byte[] body,
    Map<String, String> headers) {
  /** The media type of every JSON answer. */
  public static final String JSON_TYPE = "application/json";

  /** Copies the headers. */
  public AdminResponse {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  /** {@code value} written as JSON with {@code status}. */
  public static AdminResponse json(int status, Object value) {
    try {
      return new AdminResponse(status, JSON_TYPE, AdminHttpServer.JSON.writeValueAsBytes(value),
          Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the answer as JSON: " + e.getMessage(), e);
    }
  }

  /** A 200 with {@code value} as JSON. */
  public static AdminResponse ok(Object value) {
    return json(200, value);
  }

  /** A JSON error {@code {"error": message, "errorType": type}} with the type's status. */
  public static AdminResponse error(AdminErrorType type, String message) {
    return error(type.status(), type, message);
  }

  /**
   * A JSON error {@code {"error": message, "errorType": type}} with an explicit status (for {@link
   * AdminErrorType#HTTP_ERROR}, whose status varies).
   */
  public static AdminResponse error(int status, AdminErrorType type, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("errorType", type.name());
    return json(status, body);
  }

  /** Plain text, UTF-8. */
  public static AdminResponse text(int status, String contentType, String text) {
    return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  /** A copy with one more header. */
  public AdminResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new AdminResponse(status, contentType, body, more);
  }
}
