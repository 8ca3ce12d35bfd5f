package dev.venice.spi.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A plugin endpoint's answer.
 *
 * @param status the HTTP status code
 * @param contentType the media type of the body
 * @param body the body
 */
public record PluginHttpResponse(int status, String contentType, byte[] body) {
  /** Validates the fields. */
  public PluginHttpResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status " + status + " out of range");
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  /** A JSON answer; {@code json} must already be serialized. */
  public static PluginHttpResponse json(int status, String json) {
    return new PluginHttpResponse(
        status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A plain-text answer. */
  public static PluginHttpResponse text(int status, String text) {
    return new PluginHttpResponse(
        status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }
}
