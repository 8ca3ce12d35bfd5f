package dev.venice.runtime.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginJars;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.spi.plugin.Readiness;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port over real HTTP on loopback, with real plugin jars behind it. */
class AdminHttpServerTest {
  @TempDir Path plugins;

  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<Readiness> hostReadiness = new AtomicReference<>(Readiness.READY);
  private PluginManager manager;
  private AdminHttpServer server;

  @BeforeEach
  void start() throws Exception {
    PluginJars.fixturePlugin(plugins, "healthy", Map.of("id", "healthy"));
    PluginJars.fixturePlugin(plugins, "future", Map.of("id", "future", "spi", "[2.0,3.0)"));
    manager = PluginManager.builder(BasicHostServices.minimal("server", "s1", "test"))
        .pluginDirectory(plugins).meterRegistry(registry)
        .config(Map.of("plugins.healthy.enabled", "true", "plugins.healthy.size", "7"))
        .build().start();
    server = AdminHttpServer.builder("server", manager, registry)
        .hostReadiness(hostReadiness::get)
        .route("/custom", exchange -> AdminHttpServer.sendJson(exchange, 200, Map.of("ok", true)))
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    manager.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return AdminHttpServer.JSON.readTree(response.body());
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
    HttpResponse<String> missing = get("/plugins/future/info");
    assertEquals(404, missing.statusCode());
    assertEquals("plugin future is not started or has no endpoint at /info (see GET /plugins)",
        json(missing).get("error").asText());
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
  void exportsPluginMetricsInPrometheusFormat() throws Exception {
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains(
        "venice_plugins_failures_total{plugin=\"future\",reason=\"spi-range\"} 1.0"), metrics);
  }

  @Test
  void hostRoutesAndUnknownPaths() throws Exception {
    assertEquals("{\"ok\":true}", get("/custom").body());
    HttpResponse<String> unknown = get("/nope");
    assertEquals(404, unknown.statusCode());
    assertEquals("no route for GET /nope", json(unknown).get("error").asText());
  }
}
