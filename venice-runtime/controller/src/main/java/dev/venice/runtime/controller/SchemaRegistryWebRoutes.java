package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.schema.SchemaDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The schema registry web view (seed project 34), mounted by {@link AdminRoutes}:
 *
 * <pre>
 * GET /stores/{store}/schemas/diff?from=N&amp;to=M   the field-level changes from value schema N
 *                                                to M: {"store", "from", "to", "changes": [
 *                                                {"path", "kind", "before", "after", "detail"}]}
 * GET /schema-registry                           the page (HTML)
 * GET /schema-registry/app.js                    its script
 * GET /schema-registry/app.css                   its style sheet
 * </pre>
 *
 * A change's {@code kind} is ADDED, REMOVED, TYPE_CHANGED, DEFAULT_CHANGED or DOC_CHANGED and
 * {@code before}/{@code after} are types in words or null (see {@link SchemaDiff}). A missing
 * store or schema id is a 404 naming both, a {@code from} or {@code to} that is missing or not a
 * whole number from 1 a 400. The page reads only the admin API of the same controller ({@code GET
 * /stores}, {@code GET /stores/{store}/schemas} and the diff), so it needs no CORS; its files are
 * classpath resources read once at mount, served with a content security policy that allows
 * only this origin's script and style (the page writes every user-supplied text as text).
 */
final class SchemaRegistryWebRoutes {
  private static final String WEB = "web/";
  /** Only the page's own files; no inline script or style, nothing from elsewhere. */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none';"
      + " frame-ancestors 'none'";

  private final StoreService stores;

  SchemaRegistryWebRoutes(StoreService stores) {
    this.stores = stores;
  }

  void mount(AdminHttpServer.Builder server) {
    server.route("GET", "/stores/{store}/schemas/diff", Set.of("from", "to"), this::diff);
    AdminResponse page = resource("index.html", "text/html; charset=utf-8");
    AdminResponse script = resource("app.js", "text/javascript; charset=utf-8");
    AdminResponse style = resource("app.css", "text/css; charset=utf-8");
    server.route("GET", "/schema-registry", r -> page);
    server.route("GET", "/schema-registry/app.js", r -> script);
    server.route("GET", "/schema-registry/app.css", r -> style);
  }

  private AdminResponse diff(AdminRequest r) {
    String name = r.pathParameter("store");
    int from = schemaId(r, "from");
    int to = schemaId(r, "to");
    StoreSchemas schemas = stores.schemas(name);
    Schema before = parse(name, find(schemas, from));
    Schema after = parse(name, find(schemas, to));
    List<Map<String, Object>> changes = new ArrayList<>();
    for (SchemaDiff.Change c : SchemaDiff.diff(before, after)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("path", c.path());
      row.put("kind", c.kind().name());
      row.put("before", c.before());
      row.put("after", c.after());
      row.put("detail", c.detail());
      changes.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("store", name);
    body.put("from", from);
    body.put("to", to);
    body.put("changes", changes);
    return AdminResponse.ok(body);
  }

  private static int schemaId(AdminRequest r, String parameter) {
    String text = r.query().single(parameter).orElseThrow(() -> AdminHttpException.badRequest(
        "query parameter " + parameter + " is required: a value schema id (a whole number from"
        + " 1)"));
    try {
      int id = Integer.parseInt(text);
      if (id >= 1) {
        return id;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw AdminHttpException.badRequest("query parameter " + parameter + ": expected a value"
        + " schema id (a whole number from 1), got '" + JsonFields.abbreviate(text) + "'");
  }

  private static ValueSchema find(StoreSchemas schemas, int id) {
    return schemas.valueSchemas().stream().filter(s -> s.id() == id).findFirst()
        .orElseThrow(() -> new AdminHttpException(AdminErrorType.NOT_FOUND, "store "
            + schemas.store() + " has no value schema id " + id + " (its ids: "
            + schemas.valueSchemas().stream().map(s -> Integer.toString(s.id())).toList()
            + ")"));
  }

  private static Schema parse(String store, ValueSchema schema) {
    try {
      return new Schema.Parser().parse(schema.schema());
    } catch (RuntimeException e) {
      // registered schemas were parsed when registered: this is a broken registry, not the caller
      throw new IllegalStateException("store " + store + " value schema " + schema.id()
          + " does not parse: " + e.getMessage(), e);
    }
  }

  /** A page file as a ready answer; a missing one fails the controller's start, not a request. */
  private static AdminResponse resource(String file, String contentType) {
    return WebResources.read(WEB + file, contentType, CSP).orElseThrow(() ->
        new IllegalStateException("the controller jar lacks its resource " + WEB + file));
  }
}
