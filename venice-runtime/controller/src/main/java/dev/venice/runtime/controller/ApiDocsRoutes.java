package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The admin API's own description, mounted by {@link AdminRoutes}:
 *
 * <pre>
 * GET /openapi.yaml        the OpenAPI 3.1 description (the repository's openapi.yaml, copied
 *                          into this jar by the build: one source, never a second copy)
 * GET /api-docs            Swagger UI on that description (HTML)
 * GET /api-docs/{file}     the page's files: our start script, else Swagger UI's from its webjar
 * </pre>
 *
 * The page has no inline script (its start script is a file of ours) so it runs under a content
 * security policy that allows only this origin's scripts; Swagger UI reads {@code /openapi.yaml}
 * from the same controller, so it needs no CORS, and "Try it out" calls this controller. A file
 * that neither we nor the webjar have is a 404; so is a name that is not one plain file name (no
 * path, no leading dot), which keeps the lookup inside the webjar's folder.
 */
final class ApiDocsRoutes {
  private static final String OURS = "apidocs/";
  /** Our start script, served beside Swagger UI's files. */
  static final String START_SCRIPT = "venice-api-docs.js";
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  /**
   * The webjar's demo page and its start script point at the public pet store example: never
   * served, our page and script take their place.
   */
  private static final Set<String> WEBJAR_DEMO = Set.of("index.html", "swagger-initializer.js");
  /**
   * This origin's scripts only. Swagger UI sets style attributes as it renders and its style sheet
   * draws icons from data: URIs, so styles may be inline and images data: URIs.
   */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'"
      + " 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self';"
      + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "html", "text/html; charset=utf-8",
      "map", "application/json",
      "json", "application/json",
      "png", "image/png",
      "txt", "text/plain; charset=utf-8");

  private final String webjarFolder;
  /** Files read once on first use; only existing files are kept, so it holds the webjar at most. */
  private final Map<String, AdminResponse> files = new ConcurrentHashMap<>();

  ApiDocsRoutes() {
    this.webjarFolder = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
  }

  void mount(AdminHttpServer.Builder server) {
    // read at mount: a jar built without its spec or page fails the controller's start, not a call
    AdminResponse spec = ours("openapi.yaml", "application/yaml; charset=utf-8");
    AdminResponse page = ours("index.html", TYPES.get("html"));
    ours(START_SCRIPT, TYPES.get("js"));
    server.route("GET", "/openapi.yaml", r -> spec);
    server.route("GET", "/api-docs", r -> page);
    server.route("GET", "/api-docs/{file}", this::file);
  }

  private AdminResponse file(AdminRequest r) {
    String name = r.pathParameter("file");
    if (!FILE_NAME.matcher(name).matches() || WEBJAR_DEMO.contains(name)) {
      throw notFound(name);
    }
    if (name.equals(START_SCRIPT)) {
      return ours(START_SCRIPT, TYPES.get("js"));
    }
    AdminResponse found = files.get(name);
    if (found != null) {
      return found;
    }
    found = WebResources.read(webjarFolder + name, typeOf(name), CSP).orElseThrow(
        () -> notFound(name));
    files.putIfAbsent(name, found);
    return found;
  }

  private AdminResponse ours(String file, String contentType) {
    return files.computeIfAbsent("ours:" + file, key -> WebResources.read(OURS + file,
        contentType, CSP).orElseThrow(() -> new IllegalStateException("the controller jar lacks"
            + " its resource " + OURS + file)));
  }

  private static AdminHttpException notFound(String name) {
    return new AdminHttpException(AdminErrorType.NOT_FOUND, "no file /api-docs/"
        + JsonFields.abbreviate(name) + " (the API docs serve Swagger UI's files, such as"
        + " swagger-ui-bundle.js and swagger-ui.css)");
  }

  private static String typeOf(String name) {
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  /**
   * The Swagger UI webjar's version, from its Maven properties: its files live in a folder named
   * after it, and reading it here keeps a version bump to the pom alone.
   */
  private static String webjarVersion() {
    String properties = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(properties)) {
      if (in == null) {
        throw new IllegalStateException("the Swagger UI webjar is not on the class path (no "
            + properties + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + properties, e);
    }
  }
}
