package dev.venice.spi.http;

/**
 * An endpoint served at {@code /plugins/<id>/<path>} on the host's admin port. The host routes a
 * request to the endpoint whose {@link #path()} is the longest prefix of the request path; a
 * handler that throws yields a 500 naming the plugin, and is counted.
 */
public interface PluginHttpEndpoint {
  /**
   * The path below {@code /plugins/<id>/} this endpoint serves, without a leading slash; {@code ""}
   * serves {@code /plugins/<id>/} itself and anything below not claimed by a longer path.
   */
  String path();

  /** Handles one request; runs on the admin server's thread pool. */
  PluginHttpResponse handle(PluginHttpRequest request) throws Exception;
}
