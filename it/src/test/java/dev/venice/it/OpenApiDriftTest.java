package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.controller.SchemaDryRun;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.common.plugin.RefusalReason;
import dev.venice.runtime.common.schema.SchemaDiff;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.plugin.ProcessKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * openapi.yaml against a running controller, both ways, on one local cluster (one server, so
 * pushes complete) with every shipped controller plugin switched on by configuration:
 *
 * <ol>
 *   <li>every route the controller registers ({@link VeniceController#adminRoutes()}) is a path
 *       and method of the spec, every plugin endpoint has a spec path under its prefix, and every
 *       spec operation is a registered route;
 *   <li>every documented operation is called, on data made for it (stores, schemas, a push), and
 *       each answer's body validates against the schema documented for its status (strict:
 *       response objects allow no undocumented field), non-JSON answers by content type; errors
 *       of each area against {@code Error};
 *   <li>{@code /openapi.yaml} is the spec the test reads and {@code /api-docs} is Swagger UI on it;
 *   <li>every enum the spec lists is the Java enum's constants, in order.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiDriftTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> CONTROLLER_PLUGINS = List.of("audit-log", "config-history",
      "leadership-history", "replication-repair", "store-dependencies", "topic-retention");
  private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");
  private static final String STORE = "docs";
  private static final String DOOMED = "doomed";
  private static final String DICT = "dict";

  private static LocalCluster cluster;
  private static VeniceController controller;
  private static String base;
  private static JsonNode spec;
  /** HTTP/1.1: the admin server speaks nothing else, so no h2c upgrade is offered. */
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
      SpecificationVersion.DRAFT_2020_12);
  /** "METHOD /template" of every operation called, with the statuses seen. */
  private static final Map<String, Set<Integer>> called = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    LocalCluster.Builder builder = LocalCluster.builder().servers(1).routers(0)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", System.getProperty("controller.plugin.dir"))
        // frequent runs, so the reports the spec describes have a run to show
        .controllerConfig("plugins.replication-repair.interval", "1s")
        .controllerConfig("plugins.topic-retention.interval", "1s");
    for (String plugin : CONTROLLER_PLUGINS) {
      builder.controllerConfig("plugins." + plugin + ".enabled", "true");
    }
    cluster = builder.build();
    controller = cluster.leader(WAIT);
    base = controller.url();
    HttpResponse<String> served = send("GET", "/openapi.yaml", null);
    assertEquals(200, served.statusCode());
    spec = YAML.readTree(served.body());
    Path root = Path.of(System.getProperty("user.dir")).resolve("../openapi.yaml").normalize();
    if (Files.exists(root)) {
      assertEquals(YAML.readTree(Files.readString(root)), spec,
          "the controller serves the repository's openapi.yaml");
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
    List<String> routes = controller.adminRoutes();
    Set<String> registered = new TreeSet<>();
    List<String> pluginPrefixes = new ArrayList<>();
    for (String route : routes) {
      if (route.startsWith("ANY ")) {
        pluginPrefixes.add(route.substring(4));
      } else {
        registered.add(normalise(route));
      }
    }
    for (String plugin : CONTROLLER_PLUGINS) {
      assertTrue(pluginPrefixes.stream().anyMatch(p -> p.startsWith("/plugins/" + plugin + "/")),
          "plugin " + plugin + " started with an endpoint: " + routes);
    }
    Set<String> documented = new TreeSet<>();
    List<String> documentedPluginPaths = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!METHODS.contains(method)) {
          continue;
        }
        String route = method.toUpperCase(Locale.ROOT) + " " + path.getKey();
        if (isPluginEndpoint(path.getKey())) {
          documentedPluginPaths.add(path.getKey());
          assertTrue(pluginPrefixes.stream().anyMatch(p -> (path.getKey() + "/").startsWith(p)),
              route + " is documented but no started plugin serves it: " + pluginPrefixes);
        } else {
          documented.add(normalise(route));
        }
      }
    }
    Set<String> undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    assertEquals(Set.of(), undocumented, "routes the controller registers that openapi.yaml"
        + " lacks");
    Set<String> unregistered = new TreeSet<>(documented);
    unregistered.removeAll(registered);
    assertEquals(Set.of(), unregistered, "operations openapi.yaml documents that the controller"
        + " does not register");
    for (String prefix : pluginPrefixes) {
      assertTrue(documentedPluginPaths.stream().anyMatch(p -> (p + "/").startsWith(prefix)),
          "plugin endpoint " + prefix + " is not documented in openapi.yaml");
    }
  }

  @Test
  @Order(2)
  void everyDocumentedOperationAnswersWithItsDocumentedSchema(@TempDir Path files)
      throws Exception {
    // the process routes
    LocalCluster.waitFor("the controller is UP", WAIT,
        () -> call("GET", "/health", "/health", null).statusCode() == 200);
    assertTrue(call("GET", "/metrics", "/metrics", null).body().contains("# TYPE"));
    JsonNode plugins = JSON.readTree(call("GET", "/plugins", "/plugins", null).body());
    for (String plugin : CONTROLLER_PLUGINS) {
      boolean started = false;
      for (JsonNode row : plugins) {
        started |= row.get("id").asText().equals(plugin)
            && row.get("state").asText().equals("STARTED");
      }
      assertTrue(started, plugin + " started: " + plugins);
    }
    expect(400, call("GET", "/plugins?x=1", "/plugins", null));

    // stores
    String create = createBody(STORE, "");
    expect(201, call("POST", "/stores", "/stores", create));
    expect(409, call("POST", "/stores", "/stores", create));
    expect(400, call("POST", "/stores", "/stores", "{\"name\": \"x\"}"));
    expect(200, call("POST", "/stores?dryRun=true", "/stores", createBody("dry", "")));
    expect(201, call("POST", "/stores", "/stores", createBody(DOOMED, "")));
    expect(200, call("GET", "/stores", "/stores", null));
    expect(200, call("GET", "/stores/" + STORE, "/stores/{store}", null));
    expect(404, call("GET", "/stores/nosuch", "/stores/{store}", null));
    expect(200, call("PATCH", "/stores/" + STORE, "/stores/{store}",
        "{\"numVersionsToPreserve\": 3, \"hybrid\": null, \"pluginSettings\": {"
        + "\"plugins.store-dependencies.upstream-stores\": \"" + DOOMED + "\"}}"));
    expect(200, call("PATCH", "/stores/" + STORE + "?dryRun=true", "/stores/{store}",
        "{\"numVersionsToPreserve\": 2}"));
    expect(400, call("PATCH", "/stores/" + STORE, "/stores/{store}",
        "{\"numVersionsToPreserve\": \"many\"}"));

    // schemas
    expect(200, call("GET", "/stores/" + STORE + "/schemas", "/stores/{store}/schemas", null));
    expect(200, call("POST", "/stores/" + STORE + "/schemas", "/stores/{store}/schemas",
        "{\"schema\": " + quote(Schemas.USER_V2) + "}"));
    expect(200, call("POST", "/stores/" + STORE + "/schemas?dryRun=true",
        "/stores/{store}/schemas", "{\"schema\": " + quote(Schemas.USER_BAD) + "}"));
    expect(409, call("POST", "/stores/" + STORE + "/schemas", "/stores/{store}/schemas",
        "{\"schema\": " + quote(Schemas.USER_BAD) + "}"));
    expect(400, call("POST", "/stores/" + STORE + "/schemas", "/stores/{store}/schemas",
        "{\"schema\": \"{\\\"type\\\": \\\"record\\\"\"}"));
    expect(200, call("GET", "/stores/" + STORE + "/schemas/diff?from=1&to=2",
        "/stores/{store}/schemas/diff", null));
    expect(404, call("GET", "/stores/" + STORE + "/schemas/diff?from=1&to=9",
        "/stores/{store}/schemas/diff", null));
    expect(400, call("GET", "/stores/" + STORE + "/schemas/diff?from=1",
        "/stores/{store}/schemas/diff", null));

    // versions and pushes: a real push makes version 1 online
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // in the newest value schema (USER_V2), as a push writes
      lines.add("{\"key\": \"k-" + i + "\", \"value\": {\"name\": \"n-" + i + "\", \"age\": " + i
          + ", \"email\": \"\"}}");
    }
    PushJob.create(base, STORE, Files.write(files.resolve("docs.jsonl"), lines)).run();
    cluster.awaitVersionOnline(STORE, 1, WAIT);
    expect(200, call("GET", "/stores/" + STORE + "/versions", "/stores/{store}/versions", null));
    String status = "/stores/{store}/versions/{version}";
    expect(200, call("GET", "/stores/" + STORE + "/versions/1", status, null));
    expect(400, call("GET", "/stores/" + STORE + "/versions/one", status, null));
    expect(404, call("GET", "/stores/" + STORE + "/versions/99", status, null));
    expect(200, call("POST", "/stores/" + STORE + "/versions?dryRun=true",
        "/stores/{store}/versions", "{\"recordCount\": 20}"));
    expect(201, call("POST", "/stores/" + STORE + "/versions", "/stores/{store}/versions",
        "{\"recordCount\": 20}"));
    expect(409, call("POST", "/stores/" + STORE + "/versions", "/stores/{store}/versions",
        null));
    String progress = "/stores/{store}/versions/{version}/progress";
    String report = "{\"phase\": \"WRITING\", \"state\": \"RUNNING\", \"recordsWritten\": 5,"
        + " \"totalRecords\": 20, \"recordsPerSecond\": 10.0, \"etaSeconds\": 1.5,"
        + " \"etaLowSeconds\": 1.2, \"etaHighSeconds\": 1.8}";
    expect(200, call("POST", "/stores/" + STORE + "/versions/2/progress", progress, report));
    expect(400, call("POST", "/stores/" + STORE + "/versions/2/progress", progress,
        "{\"phase\": \"WRITING\"}"));
    JsonNode pushes = JSON.readTree(expect(200, call("GET", "/pushes?store=" + STORE, "/pushes",
        null)).body());
    assertTrue(pushes.get("pushes").get(0).get("progress").isObject(), pushes.toString());
    expect(200, call("GET", "/pushes", "/pushes", null));
    expect(404, call("GET", "/pushes?store=nosuch", "/pushes", null));
    expect(200, call("GET", "/stores/" + STORE + "/versions/2", status, null));
    String replicas = "/stores/{store}/versions/{version}/replicas";
    String server = cluster.servers().get(0).instanceId();
    int[] answered = {0};
    LocalCluster.waitFor(() -> "a replica report of version 2 accepted; last status "
        + answered[0], WAIT, () -> {
          answered[0] = call("POST", "/stores/" + STORE + "/versions/2/replicas", replicas,
              "{\"partition\": 0, \"instance\": \"" + server + "\", \"status\": \"STARTED\"}")
              .statusCode();
          return answered[0] == 200;
        });
    expect(409, call("POST", "/stores/" + STORE + "/versions/2/replicas", replicas,
        "{\"partition\": 0, \"instance\": \"nobody_1\", \"status\": \"STARTED\"}"));
    String kill = "/stores/{store}/versions/{version}/kill";
    expect(200, call("POST", "/stores/" + STORE + "/versions/2/kill?dryRun=true", kill, null));
    expect(200, call("POST", "/stores/" + STORE + "/versions/2/kill", kill, null));
    // a killed version may be retired at once: then it is no version at all (404)
    expectOneOf(Set.of(404, 409), call("POST", "/stores/" + STORE + "/versions/2/kill", kill,
        null));
    expectOneOf(Set.of(404, 409), call("POST", "/stores/" + STORE + "/versions/2/progress",
        progress, report));
    String current = "/stores/{store}/current-version";
    expect(200, call("PUT", "/stores/" + STORE + "/current-version", current,
        "{\"version\": 1}"));
    expect(200, call("PUT", "/stores/" + STORE + "/current-version?dryRun=true", current,
        "{\"version\": 1}"));
    expectOneOf(Set.of(404, 409), call("PUT", "/stores/" + STORE + "/current-version", current,
        "{\"version\": 2}"));

    // a ZSTD_WITH_DICT store's push sends its dictionary (here bytes of ours: only stored)
    expect(201, call("POST", "/stores", "/stores", createBody(DICT,
        ", \"compressionStrategy\": \"ZSTD_WITH_DICT\"")));
    expect(201, call("POST", "/stores/" + DICT + "/versions", "/stores/{store}/versions", null));
    String dictionary = "/stores/{store}/versions/{version}/dictionary";
    String bytes = Base64.getEncoder().encodeToString("a dictionary".getBytes(
        StandardCharsets.UTF_8));
    expect(200, call("PUT", "/stores/" + DICT + "/versions/1/dictionary", dictionary,
        "{\"dictionary\": \"" + bytes + "\"}"));
    expect(200, call("GET", "/stores/" + DICT + "/versions/1/dictionary", dictionary, null));
    expect(409, call("PUT", "/stores/" + DICT + "/versions/1/dictionary", dictionary,
        "{\"dictionary\": \"b3RoZXI=\"}"));
    expect(400, call("PUT", "/stores/" + STORE + "/versions/1/dictionary", dictionary,
        "{\"dictionary\": \"" + bytes + "\"}"));
    expect(404, call("GET", "/stores/" + STORE + "/versions/1/dictionary", dictionary, null));
    expect(200, call("POST", "/stores/" + DICT + "/versions/1/kill", kill, null));

    // the cluster
    expect(200, call("GET", "/cluster", "/cluster", null));
    expect(200, call("GET", "/leader", "/leader", null));
    String assignment = "/stores/{store}/assignment";
    expect(200, call("GET", "/stores/" + STORE + "/assignment", assignment, null));
    JsonNode simulated = JSON.readTree(expect(200, call("GET", "/stores/" + STORE
        + "/assignment?version=1&simulateAddServer=1", assignment, null)).body());
    assertTrue(simulated.get("simulation").isObject(), simulated.toString());
    expect(200, call("GET", "/stores/" + STORE + "/assignment?simulateRemoveServer=" + server,
        assignment, null));
    expect(404, call("GET", "/stores/" + STORE + "/assignment?version=99", assignment, null));
    expect(400, call("GET", "/stores/" + STORE + "/assignment?simulateAddServer=0", assignment,
        null));
    String distribution = "/cluster/leader-distribution";
    expect(200, call("GET", distribution, distribution, null));
    expect(200, call("GET", distribution + "?threshold=0", distribution, null));
    expect(400, call("GET", distribution + "?threshold=-1", distribution, null));
    String rebalance = "/cluster/leader-rebalance";
    expect(200, call("POST", rebalance + "?dryRun=true", rebalance, "{\"threshold\": 0}"));
    expect(200, call("POST", rebalance, rebalance, null));
    expect(400, call("POST", rebalance, rebalance, "{\"threshold\": \"high\"}"));

    // the plugins' endpoints, on the data above
    expect(200, call("GET", "/plugins/audit-log", "/plugins/audit-log", null));
    String history = "/plugins/config-history/history";
    expect(200, call("GET", history + "?store=" + STORE, history, null));
    expect(200, call("GET", history + "?store=" + STORE + "&limit=1", history, null));
    expect(400, call("GET", history, history, null));
    expect(404, call("GET", history + "?store=nosuch", history, null));
    String events = "/plugins/leadership-history/events";
    LocalCluster.waitFor("a leadership event recorded", WAIT, () -> {
      try {
        return JSON.readTree(call("GET", events, events, null).body()).get("events").size() > 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    expect(200, call("GET", events + "?limit=1", events, null));
    expect(400, call("GET", events + "?limit=0", events, null));
    String repair = "/plugins/replication-repair/report";
    LocalCluster.waitFor("a replication repair run", WAIT, () -> {
      try {
        return JSON.readTree(call("GET", repair, repair, null).body()).get("lastRun")
            .isObject();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String dependencies = "/plugins/store-dependencies/dependencies";
    expect(200, call("GET", dependencies + "?store=" + STORE, dependencies, null));
    expect(200, call("GET", dependencies + "?store=" + DOOMED + "&direction=downstream"
        + "&transitive=true", dependencies, null));
    expect(400, call("GET", dependencies, dependencies, null));
    expect(404, call("GET", dependencies + "?store=nosuch", dependencies, null));
    String graph = "/plugins/store-dependencies/graph";
    expect(200, call("GET", graph, graph, null));
    expect(200, call("GET", graph + "?store=" + STORE, graph, null));
    String retention = "/plugins/topic-retention/report";
    LocalCluster.waitFor("a topic retention run", WAIT, () -> {
      try {
        return JSON.readTree(call("GET", retention, retention, null).body()).get("lastRun")
            .isObject();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // destructive, on the store made for it
    expect(200, call("DELETE", "/stores/" + DOOMED + "?dryRun=true", "/stores/{store}", null));
    expect(200, call("DELETE", "/stores/" + DOOMED, "/stores/{store}", null));
    expect(404, call("DELETE", "/stores/" + DOOMED, "/stores/{store}", null));

    // the pages
    expect(200, call("GET", "/schema-registry", "/schema-registry", null));
    expect(200, call("GET", "/schema-registry/app.js", "/schema-registry/app.js", null));
    expect(200, call("GET", "/schema-registry/app.css", "/schema-registry/app.css", null));
    expect(200, call("GET", "/openapi.yaml", "/openapi.yaml", null));
    expect(200, call("GET", "/api-docs", "/api-docs", null));
    String file = "/api-docs/{file}";
    expect(200, call("GET", "/api-docs/swagger-ui-bundle.js", file, null));
    expect(200, call("GET", "/api-docs/swagger-ui.css", file, null));
    expect(200, call("GET", "/api-docs/venice-api-docs.js", file, null));
    expect(404, call("GET", "/api-docs/nosuch.js", file, null));
    expect(404, call("GET", "/api-docs/index.html", file, null));

    Set<String> uncalled = new TreeSet<>();
    forEachOperation((method, path) -> {
      if (!called.containsKey(method + " " + path)) {
        uncalled.add(method + " " + path);
      }
    });
    assertEquals(Set.of(), uncalled, "documented operations the test did not call");
  }

  @Test
  @Order(3)
  void apiDocsServeSwaggerUiOnTheSpec() throws Exception {
    HttpResponse<String> page = send("GET", "/api-docs", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("/api-docs/swagger-ui-bundle.js"), page.body());
    assertTrue(page.body().contains("/api-docs/venice-api-docs.js"), page.body());
    assertTrue(!page.body().contains("<script>"), "no inline script: " + page.body());
    HttpResponse<String> start = send("GET", "/api-docs/venice-api-docs.js", null);
    assertTrue(start.body().contains("SwaggerUIBundle") && start.body().contains("'/openapi.yaml'"),
        start.body());
    HttpResponse<String> bundle = send("GET", "/api-docs/swagger-ui-bundle.js", null);
    assertTrue(bundle.body().contains("SwaggerUIBundle"), "the webjar's bundle");
    JsonNode served = YAML.readTree(send("GET", "/openapi.yaml", null).body());
    assertEquals("3.1.0", served.get("openapi").asText());
  }

  @Test
  @Order(4)
  void everyDocumentedEnumIsTheJavaEnum() {
    Map<String, Class<? extends Enum<?>>> enums = Map.ofEntries(
        Map.entry("/components/schemas/Error/properties/errorType", AdminErrorType.class),
        Map.entry("/components/schemas/CompressionStrategy", CompressionStrategy.class),
        Map.entry("/components/schemas/SchemaCompatibility", SchemaCompatibility.class),
        Map.entry("/components/schemas/VersionStatus", VersionStatus.class),
        Map.entry("/components/schemas/ReplicaStatus", ReplicaStatus.class),
        Map.entry("/components/schemas/AdminOperation", AdminOperation.class),
        Map.entry("/components/schemas/SchemaReason/properties/direction",
            SchemaDryRun.Direction.class),
        Map.entry("/components/schemas/SchemaDiff/properties/changes/items/properties/kind",
            SchemaDiff.Kind.class),
        Map.entry("/components/schemas/ClusterMember/properties/kind", ProcessKind.class),
        Map.entry("/components/schemas/PluginInfo/properties/state", PluginState.class),
        Map.entry("/components/schemas/PluginInfo/properties/reason/oneOf/0",
            RefusalReason.class));
    enums.forEach((pointer, type) -> {
      List<String> documented = new ArrayList<>();
      spec.at(pointer).path("enum").forEach(e -> documented.add(e.asText()));
      List<String> constants = new ArrayList<>();
      for (Enum<?> constant : type.getEnumConstants()) {
        constants.add(constant.name());
      }
      assertEquals(constants, documented, "openapi.yaml " + pointer + " against "
          + type.getName());
    });
  }

  /** Sends a request and checks its answer against the spec's operation {@code template}. */
  private static HttpResponse<String> call(String method, String target, String template,
      String body) {
    HttpResponse<String> response = send(method, target, body);
    called.computeIfAbsent(method + " " + template, k -> ConcurrentHashMap.newKeySet())
        .add(response.statusCode());
    check(method, target, template, response);
    return response;
  }

  private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.request().method() + " "
        + response.uri() + ": " + response.body());
    return response;
  }

  private static HttpResponse<String> expectOneOf(Set<Integer> statuses,
      HttpResponse<String> response) {
    assertTrue(statuses.contains(response.statusCode()), response.request().method() + " "
        + response.uri() + " answered " + response.statusCode() + ", not one of " + statuses
        + ": " + response.body());
    return response;
  }

  private static void check(String method, String target, String template,
      HttpResponse<String> response) {
    String what = method + " " + target + " -> " + response.statusCode();
    JsonNode operation = spec.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
    assertTrue(operation.isObject(), "openapi.yaml has no operation " + method + " " + template);
    JsonNode documented = resolve(operation.path("responses")
        .path(Integer.toString(response.statusCode())));
    if (documented.isMissingNode()) {
      fail(what + " is not a documented status: " + response.body());
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    String mediaType = type.split(";")[0].strip();
    JsonNode content = documented.path("content");
    if (!content.has(mediaType)) {
      fail(what + ": content type " + type + " is not documented (" + content.fieldNames()
          .next() + ")");
    }
    if (!mediaType.equals("application/json")) {
      assertTrue(response.body().length() > 0, what + ": an empty body");
      return;
    }
    JsonNode schema = content.get(mediaType).path("schema");
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError(what + ": not JSON: " + response.body(), e);
    }
    List<Error> errors = validator(schema).validate(body);
    assertTrue(errors.isEmpty(), what + ": the body does not match openapi.yaml: " + errors
        + "\n" + response.body());
  }

  private static final Map<JsonNode, Schema> COMPILED = new ConcurrentHashMap<>();

  /**
   * A validator of {@code schema}, with the spec's components beside it so its {@code
   * #/components/...} references resolve as they do in the spec.
   */
  private static Schema validator(JsonNode schema) {
    return COMPILED.computeIfAbsent(schema, s -> {
      ObjectNode document = JSON.createObjectNode();
      document.put("$schema", "https://json-schema.org/draft/2020-12/schema");
      document.setAll((ObjectNode) s.deepCopy());
      document.set("components", spec.get("components"));
      return SCHEMAS.getSchema(document);
    });
  }

  /** A {@code $ref}'d response, resolved. */
  private static JsonNode resolve(JsonNode node) {
    if (node.has("$ref")) {
      return spec.at(node.get("$ref").asText().substring(1));
    }
    return node;
  }

  private interface OperationVisitor {
    void visit(String method, String path);
  }

  private static void forEachOperation(OperationVisitor visitor) {
    spec.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> {
          if (METHODS.contains(method)) {
            visitor.visit(method.toUpperCase(Locale.ROOT), path.getKey());
          }
        }));
  }

  private static boolean isPluginEndpoint(String path) {
    return path.startsWith("/plugins/");
  }

  /** {@code GET /stores/{store}} as {@code GET /stores/{}}: parameter names may differ. */
  private static String normalise(String route) {
    return route.replaceAll("\\{[^}]*}", "{}");
  }

  /** A store's creation: 2 partitions, 1 replica, and {@code more} fields (", ..."). */
  private static String createBody(String name, String more) {
    return "{\"name\": \"" + name + "\", \"keySchema\": " + quote(Schemas.KEY)
        + ", \"valueSchema\": " + quote(Schemas.USER_V1) + ", \"partitionCount\": 2,"
        + " \"replicationFactor\": 1" + more + "}";
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> send(String method, String target, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + target))
        .timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + target + " failed: " + e, e);
    }
  }
}
