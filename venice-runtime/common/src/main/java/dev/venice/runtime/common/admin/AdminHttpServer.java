package dev.venice.runtime.common.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's admin HTTP server (the JDK's {@link HttpServer}). Built-in routes:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} when the host and every plugin vote
 *       ready, else 503 with the reasons;
 *   <li>{@code GET /metrics}: the registry in Prometheus text format;
 *   <li>{@code GET /plugins}: the plugin listing as JSON;
 *   <li>{@code /plugins/<id>/...}: the endpoints plugin {@code <id>} contributed.
 * </ul>
 *
 * Errors are JSON {@code {"error": ..., "errorType": ...}} with a message naming what was asked.
 */
public final class AdminHttpServer implements AutoCloseable {
  /** The JSON mapper admin responses are written with. */
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final PluginManager plugins;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Readiness> hostReadiness;

  private AdminHttpServer(Builder b) throws IOException {
    this.plugins = b.plugins;
    this.registry = b.registry;
    this.hostReadiness = b.hostReadiness;
    this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 64);
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(b.threads, runnable -> {
      Thread t = new Thread(runnable, b.name + "-admin-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/health", guarded(this::health));
    server.createContext("/metrics", guarded(this::metrics));
    server.createContext("/plugins", guarded(this::plugins));
    b.routes.forEach((prefix, handler) -> server.createContext(prefix, guarded(handler)));
    server.createContext("/", guarded(exchange -> sendError(exchange, 404, "NOT_FOUND",
        "no route for " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath())));
    server.start();
    LOG.info("{} admin HTTP server listening on http://{}:{}/", b.name, b.bindAddress, port());
  }

  /** A builder. */
  public static Builder builder(String processName, PluginManager plugins,
      PrometheusMeterRegistry registry) {
    return new Builder(processName, plugins, registry);
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:5555}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void health(HttpExchange exchange) throws IOException {
    List<String> reasons = new ArrayList<>();
    Readiness host = hostReadiness.get();
    if (!host.ready()) {
      reasons.add(host.reason());
    }
    Readiness pluginVote = plugins.lifecycleHooks().readiness();
    if (!pluginVote.ready()) {
      reasons.add(pluginVote.reason());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", reasons.isEmpty() ? "UP" : "NOT_READY");
    body.put("reasons", reasons);
    sendJson(exchange, reasons.isEmpty() ? 200 : 503, body);
  }

  private void metrics(HttpExchange exchange) throws IOException {
    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private void plugins(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/plugins") || path.equals("/plugins/")) {
      sendJson(exchange, 200, plugins.plugins());
      return;
    }
    String rest = path.substring("/plugins/".length());
    int slash = rest.indexOf('/');
    String id = slash < 0 ? rest : rest.substring(0, slash);
    String subPath = slash < 0 ? "" : rest.substring(slash + 1);
    PluginHttpRequest request = new PluginHttpRequest(
        exchange.getRequestMethod().toUpperCase(Locale.ROOT), subPath,
        query(exchange.getRequestURI()), headers(exchange), readBody(exchange));
    PluginHttpResponse response = plugins.endpoints().handle(id, request).orElse(null);
    if (response == null) {
      sendError(exchange, 404, "NOT_FOUND", "plugin " + id + " is not started or has no"
          + " endpoint at /" + subPath + " (see GET /plugins)");
      return;
    }
    send(exchange, response.status(), response.contentType(), response.body());
  }

  /** The decoded query parameters of {@code uri}. */
  public static Map<String, List<String>> query(URI uri) {
    Map<String, List<String>> query = new TreeMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static Map<String, String> headers(HttpExchange exchange) {
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
    return headers;
  }

  /** The largest request body read; a longer one is cut at one byte more, for callers to refuse. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /**
   * Reads a request body, at most {@link #MAX_BODY_BYTES} + 1 bytes so a huge body cannot exhaust
   * the heap: a result longer than the limit means the body was too large.
   */
  public static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readNBytes(MAX_BODY_BYTES + 1);
    }
  }

  /** Sends {@code body} as JSON. */
  public static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Sends a JSON error {@code {"error": message, "errorType": type}}. */
  public static void sendError(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("errorType", type);
    sendJson(exchange, status, body);
  }

  /** Sends a response. */
  public static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  private static HttpHandler guarded(HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (Exception | LinkageError e) {
        LOG.warn("admin request {} {} failed", exchange.getRequestMethod(),
            exchange.getRequestURI(), e);
        try {
          sendError(exchange, 500, "INTERNAL", exchange.getRequestMethod() + " "
              + exchange.getRequestURI().getPath() + " failed: " + e);
        } catch (IOException | RuntimeException alreadySent) {
          exchange.close();
        }
      }
    };
  }

  /** Configures an {@link AdminHttpServer}. */
  public static final class Builder {
    private final String name;
    private final PluginManager plugins;
    private final PrometheusMeterRegistry registry;
    private String bindAddress = "127.0.0.1";
    private int port;
    private int threads = 4;
    private Supplier<Readiness> hostReadiness = () -> Readiness.READY;
    private final Map<String, HttpHandler> routes = new LinkedHashMap<>();

    private Builder(String name, PluginManager plugins, PrometheusMeterRegistry registry) {
      this.name = Objects.requireNonNull(name, "name");
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The address to bind; default {@code 127.0.0.1}. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("admin port " + port + " out of range 0-65535");
      }
      this.port = port;
      return this;
    }

    /** The number of request threads; default 4. */
    public Builder threads(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("admin threads must be at least 1, got " + count);
      }
      this.threads = count;
      return this;
    }

    /** The host's own readiness, combined with the plugins' votes at {@code /health}. */
    public Builder hostReadiness(Supplier<Readiness> readiness) {
      this.hostReadiness = Objects.requireNonNull(readiness, "readiness");
      return this;
    }

    /** Adds a host route for every path under {@code prefix}. */
    public Builder route(String prefix, HttpHandler handler) {
      if (routes.put(prefix, handler) != null) {
        throw new IllegalArgumentException("route " + prefix + " added twice");
      }
      return this;
    }

    /** Starts the server. */
    public AdminHttpServer start() throws IOException {
      return new AdminHttpServer(this);
    }
  }
}
