package dev.venice.runtime.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginJars;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.spi.plugin.Readiness;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port over real HTTP on loopback, with real plugin jars behind it: the built-in routes
 * and the strict request rules every route of every process gets.
 */
class AdminHttpServerTest {
  @TempDir Path plugins;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ProcessMetrics metrics = new ProcessMetrics();
  private final AtomicReference<Readiness> hostReadiness = new AtomicReference<>(Readiness.READY);
  /** Calls that reached the mutating test route: a refused request must never get there. */
  private final AtomicInteger mutations = new AtomicInteger();
  private PluginManager manager;
  private AdminHttpServer server;

  @BeforeEach
  void start() throws Exception {
    PluginJars.fixturePlugin(plugins, "healthy", Map.of("id", "healthy"));
    PluginJars.fixturePlugin(plugins, "future", Map.of("id", "future", "spi", "[2.0,3.0)"));
    manager = PluginManager.builder(BasicHostServices.minimal("server", "s1", "test"))
        .pluginDirectory(plugins).meterRegistry(metrics.registry())
        .config(Map.of("plugins.healthy.enabled", "true", "plugins.healthy.size", "7"))
        .build().start();
    server = AdminHttpServer.builder("server", manager, metrics.registry())
        .hostReadiness(hostReadiness::get)
        .route("GET", "/custom", request -> AdminResponse.ok(Map.of("ok", true)))
        .route("POST", "/things/{name}", Set.of("dryRun"), request -> {
          boolean dryRun = request.query().bool("dryRun", false);
          JsonNode body = request.jsonObject();
          if (!dryRun) {
            mutations.incrementAndGet();
          }
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("name", request.pathParameter("name"));
          answer.put("dryRun", dryRun);
          answer.put("body", body);
          return AdminResponse.ok(answer);
        })
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    manager.close();
    metrics.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, String body) throws Exception {
    return send("POST", path, "application/json", body);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return AdminHttpServer.JSON.readTree(response.body());
  }

  /** Asserts our error shape, the status and the start of the message. */
  private static void assertError(int status, String messageStart, HttpResponse<String> response)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode error = json(response);
    assertTrue(error.get("errorType").isTextual(), response.body());
    assertTrue(error.get("error").asText().startsWith(messageStart), response.body());
  }

  /** Sends raw bytes on a new connection and returns the status line and the body. */
  private String[] raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int headersEnd = response.indexOf("\r\n\r\n");
      return new String[] {response.substring(0, response.indexOf("\r\n")),
          headersEnd < 0 ? "" : response.substring(headersEnd + 4), response};
    }
  }

  @Test
  void listsPlugins() throws Exception {
    HttpResponse<String> response = get("/plugins");
    assertEquals(200, response.statusCode());
    JsonNode rows = json(response);
    assertEquals(2, rows.size(), response.body());
    JsonNode future = rows.get(0);
    assertEquals("future", future.get("id").asText());
    assertEquals("FAILED", future.get("state").asText());
    assertEquals("[2.0,3.0)", future.get("spiVersionRange").asText());
    assertEquals(plugins.resolve("future").toString(), future.get("source").asText());
    assertEquals("STARTED", rows.get(1).get("state").asText());
  }

  @Test
  void servesPluginEndpoints() throws Exception {
    HttpResponse<String> info = get("/plugins/healthy/info");
    assertEquals(200, info.statusCode());
    assertEquals("{\"id\":\"healthy\",\"size\":7}", info.body());
    assertError(404, "plugin future is not started or has no endpoint at /info (see GET"
        + " /plugins)", get("/plugins/future/info"));
  }

  @Test
  void healthCombinesHostAndPluginVotes() throws Exception {
    assertEquals(200, get("/health").statusCode());
    hostReadiness.set(Readiness.notReady("partitions still bootstrapping"));
    HttpResponse<String> notReady = get("/health");
    assertEquals(503, notReady.statusCode());
    assertEquals("partitions still bootstrapping", json(notReady).get("reasons").get(0).asText());
  }

  @Test
  void exportsPluginJvmAndProcessMetricsInPrometheusFormat() throws Exception {
    String text = get("/metrics").body();
    assertTrue(text.contains(
        "venice_plugins_failures_total{plugin=\"future\",reason=\"spi-range\"} 1.0"), text);
    for (String family : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live",
        "jvm_classes_loaded", "system_cpu_logical_processors", "process_uptime_seconds",
        "process_files_open_files"}) {
      assertTrue(text.contains(family), family + " missing from /metrics");
    }
  }

  @Test
  void hostRoutesAndUnknownPaths() throws Exception {
    assertEquals("{\"ok\":true}", get("/custom").body());
    assertError(404, "no route for GET /nope", get("/nope"));
    HttpResponse<String> head = send("HEAD", "/health", null, null);
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void wrongMethodsAre405WithAllow() throws Exception {
    for (String path : new String[] {"/health", "/metrics", "/plugins", "/custom"}) {
      HttpResponse<String> response = send("POST", path, "application/json", "{}");
      assertError(405, "POST is not allowed on " + path + "; allowed: GET, HEAD", response);
      assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
    }
    assertError(405, "DELETE is not allowed on /things/x; allowed: POST",
        send("DELETE", "/things/x", null, null));
  }

  @Test
  void booleansAreExactlyTrueOrFalseAndUnknownParametersAreRefused() throws Exception {
    for (String value : new String[] {"maybe", "yes", "1", "TRUE", "True", ""}) {
      assertError(400, "query parameter dryRun: expected true or false (lower case), got '"
          + value + "'", postJson("/things/a?dryRun=" + value, "{}"));
    }
    assertError(400, "query parameter dryRun: expected true or false",
        postJson("/things/a?dryRun", "{}"));
    assertError(400, "unknown query parameter dryrun for POST /things/{name}; accepted: dryRun",
        postJson("/things/a?dryrun=true", "{}"));
    assertError(400, "unknown query parameters force, x for POST /things/{name}; accepted:"
        + " dryRun", postJson("/things/a?dryRun=true&x=1&force=true", "{}"));
    assertError(400, "query parameter dryRun is given 2 times",
        postJson("/things/a?dryRun=true&dryRun=false", "{}"));
    assertError(400, "unknown query parameter verbose for GET /health; accepted: none",
        get("/health?verbose=true"));
    assertEquals(0, mutations.get());
    assertEquals(true, json(postJson("/things/a?dryRun=true", "{}")).get("dryRun").asBoolean());
    assertEquals(false, json(postJson("/things/a?dryRun=false", "{}")).get("dryRun").asBoolean());
    assertEquals(1, mutations.get());
  }

  @Test
  void badPercentEncodingIsAJsonError() throws Exception {
    // The JDK's client refuses to send most of these: written on the socket as a script would.
    Map<String, String> refusals = new LinkedHashMap<>();
    refusals.put("/things/%zz", "the request could not be read (400 Bad Request); a malformed"
        + " request line or header, such as a '%' in the URI not followed by two hex digits");
    refusals.put("/things/a%", "the request could not be read (400 Bad Request)");
    refusals.put("/things/%C3%28", "path segment '%C3%28' is not valid UTF-8");
    refusals.put("/things/a?dryRun=%G1", "value of query parameter dryRun has an invalid"
        + " percent-encoding");
    refusals.put("/things/a|b", "the request could not be read (400 Bad Request)");
    refusals.put("/th ings", "the request could not be read (400 Bad Request)");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      String method = refusal.getKey().contains("|") ? "PATCH" : "POST";
      String[] answer = raw(method + " " + refusal.getKey() + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n");
      assertTrue(answer[0].contains(" 400 "), refusal.getKey() + ": " + answer[2]);
      JsonNode error = AdminHttpServer.JSON.readTree(answer[1]);
      assertTrue(error.path("errorType").isTextual(), refusal.getKey() + ": " + answer[2]);
      assertTrue(error.path("error").asText().startsWith(refusal.getValue()),
          refusal.getKey() + ": " + answer[2]);
    }
    assertEquals(0, mutations.get());
    assertEquals("a b", json(postJson("/things/a%20b", "{}")).get("name").asText());
  }

  @Test
  void jettysOwnRefusalsAreJsonToo() throws Exception {
    String[] garbage = raw("GARBAGE\r\n\r\n");
    assertTrue(garbage[0].contains(" 400 "), garbage[2]);
    assertTrue(AdminHttpServer.JSON.readTree(garbage[1]).has("errorType"), garbage[2]);
    String[] hugeHeader = raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 << 10)
        + "\r\nConnection: close\r\n\r\n");
    assertTrue(hugeHeader[0].contains(" 431 "), hugeHeader[0]);
    assertTrue(AdminHttpServer.JSON.readTree(hugeHeader[1]).has("errorType"), hugeHeader[2]);
  }

  @Test
  void jsonBodiesAreStrict() throws Exception {
    assertError(400, "malformed JSON body: Unrecognized token 'garbage'", postJson("/things/a",
        "{} garbage"));
    assertError(400, "malformed JSON body: Trailing token", postJson("/things/a",
        "{\"x\":1}{\"x\":2}"));
    assertError(400, "malformed JSON body: only whitespace", postJson("/things/a", "  \n "));
    assertError(400, "malformed JSON body: Duplicate field 'x'", postJson("/things/a",
        "{\"x\":1,\"x\":2}"));
    assertError(400, "malformed JSON body: Unexpected end-of-input", postJson("/things/a",
        "{\"x\":"));
    assertError(400, "the body must be a JSON object, not ARRAY", postJson("/things/a", "[1]"));
    assertError(415, "POST /things/a takes a JSON body: send Content-Type: application/json"
        + " (UTF-8); got no Content-Type", send("POST", "/things/a", null, "{}"));
    assertError(415, "POST /things/a takes a JSON body", send("POST", "/things/a", "text/plain",
        "{}"));
    assertError(415, "POST /things/a takes a JSON body", send("POST", "/things/a",
        "application/json; charset=iso-8859-1", "{}"));
    assertError(400, "GET /custom takes no request body; got 2 bytes", send("GET", "/custom",
        "application/json", "{}"));
    assertEquals(0, mutations.get());
    assertEquals(200, send("POST", "/things/a", "Application/JSON; charset=\"UTF-8\"", "{}")
        .statusCode());
    assertEquals(200, send("POST", "/things/a", null, null).statusCode(), "no body: no fields");
  }

  @Test
  void anOversizedBodyGetsA413WithTheWholeAnswer() throws Exception {
    String huge = "{\"x\":\"" + "y".repeat(10 << 20) + "\"}";
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = postJson("/things/a", huge);
      assertError(413, "request body exceeds the limit of 1048576 bytes", response);
    }
    assertEquals(0, mutations.get());
  }
}
