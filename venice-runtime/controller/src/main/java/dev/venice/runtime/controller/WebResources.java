package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Files the controller serves from its class path to a browser: the schema registry view's and
 * the API docs' pages, scripts and style sheets, and the Swagger UI webjar's files.
 */
final class WebResources {
  private WebResources() {}

  /**
   * The class-path resource {@code resource} (relative to this package, or absolute with a
   * leading {@code /}) as a 200 answer of {@code contentType}, with the content security policy
   * {@code csp}, {@code nosniff} and {@code no-cache}.
   *
   * @return empty when the class path has no such resource
   * @throws UncheckedIOException when it exists but cannot be read
   */
  static Optional<AdminResponse> read(String resource, String contentType, String csp) {
    try (InputStream in = WebResources.class.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new AdminResponse(200, contentType, in.readAllBytes(), Map.of())
          .withHeader("Content-Security-Policy", csp)
          .withHeader("X-Content-Type-Options", "nosniff")
          .withHeader("Cache-Control", "no-cache"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource " + resource, e);
    }
  }
}
