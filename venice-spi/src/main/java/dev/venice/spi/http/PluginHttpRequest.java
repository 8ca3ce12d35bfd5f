package dev.venice.spi.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request routed to a plugin endpoint.
 *
 * @param method the HTTP method, upper case
 * @param path the path below {@code /plugins/<id>/}, without a leading slash (may be empty)
 * @param query the decoded query parameters
 * @param headers the request headers, lower-case names
 * @param body the request body, empty when there is none
 */
public record PluginHttpRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, String> headers,
    byte[] body) {
  /** Validates the fields. */
  public PluginHttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
