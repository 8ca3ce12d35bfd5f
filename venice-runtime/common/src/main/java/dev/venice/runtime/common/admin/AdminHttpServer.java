package dev.venice.runtime.common.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginEndpoints;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.security.CertificatePrincipals;
import dev.venice.runtime.common.security.Tls;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.UriCompliance.Violation;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's admin HTTP server (Jetty's core server, no servlets). Built-in routes:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} when the host and every plugin vote
 *       ready, else 503 with the reasons;
 *   <li>{@code GET /metrics}: the registry in Prometheus text format;
 *   <li>{@code GET /plugins}: the plugin listing as JSON;
 *   <li>{@code /plugins/<id>/...}: the endpoints plugin {@code <id>} contributed (any method; the
 *       plugin reads its own query parameters).
 * </ul>
 *
 * <p>Every route declares its method and the query parameters it accepts, and every request is
 * checked the same way before a route runs: an unknown path is a 404, a known path with another
 * method a 405 with {@code Allow}, an invalid percent-encoding or an unknown query parameter a
 * 400, a body over {@link #MAX_BODY_BYTES} a 413 (the rest of the body is read and dropped so the
 * caller gets the whole answer), a body on a {@code GET}, {@code HEAD} or {@code DELETE} a 400.
 * Every error, Jetty's own included (a malformed request line,
 * headers too large), is JSON {@code {"error": ..., "errorType": ...}} naming what was asked.
 * {@code HEAD} is accepted wherever {@code GET} is.
 *
 * <p><b>Security.</b> Given {@link Tls} ({@code ssl.enabled}), the server speaks HTTPS only (TLS
 * 1.3 or 1.2), requiring a client certificate when {@code ssl.needs.client.cert}. Each request's
 * principal is then its client certificate's ({@link CertificatePrincipals}), else the one its
 * {@code Authorization: Bearer} token vouches for (a 401 when no plugin's authenticator accepts
 * it), else {@link Principal#ANONYMOUS}; {@code X-Venice-Principal} is ignored (its first use is
 * logged). Before a route runs, the plugins' authorizers are asked: to change anything, {@link
 * AccessLevel#ADMIN} unless the route says otherwise ({@link Builder#access}); to read a route naming
 * a {@code {store}} or a plugin's endpoint, {@link AccessLevel#READ} (or what the route says); on
 * the route's {@code {store}}, else on the cluster. Reads of the rest (health, metrics, the plugin
 * listing, the cluster's description) need no grant. A denial is a 403 {@code PERMISSION_DENIED}
 * naming the operation and the resource asked for, the authorizer's reason going to the log only.
 * An anonymous caller (no certificate, no token) gets a 401 for everything but {@code GET
 * /health}. Without TLS, the principal is whatever {@code X-Venice-Principal} claims
 * (unauthenticated) and nothing is authorized: the startup log says so.
 *
 * <p>Requests are counted in {@code venice.<process>.admin.requests{route,status}}.
 */
public final class AdminHttpServer implements AutoCloseable {
  /** The JSON mapper admin responses are written with. */
  public static final ObjectMapper JSON = new ObjectMapper();
  /** The largest request body accepted (1 MiB); a larger one is a 413. */
  public static final int MAX_BODY_BYTES = 1 << 20;
  /** How much of a refused body is still read so the answer arrives whole; past it, Jetty closes. */
  private static final long MAX_DRAINED_BYTES = 256L << 20;
  private static final Set<String> NO_PARAMETERS = Set.of();
  private static final Set<String> BODILESS_METHODS = Set.of("GET", "HEAD", "DELETE");
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
  private static final String BEARER = "Bearer ";
  /**
   * The header of {@code GET /plugins} saying how the process treats its callers: {@code
   * unauthenticated} without TLS; else {@code authenticated} (a client certificate or token) then
   * {@code ; authorized} or {@code ; no authorizer}.
   */
  public static final String SECURITY_HEADER = "Venice-Security";

  private final String processName;
  private final Server server;
  private final ServerConnector connector;
  private final String host;
  private final PluginManager plugins;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Readiness> hostReadiness;
  private final List<Route> routes;
  private final Tls tls;
  private final String cluster;
  private final AtomicBoolean principalHeaderNoted = new AtomicBoolean();

  private AdminHttpServer(Builder b) throws Exception {
    this.processName = b.name;
    this.tls = b.tls;
    this.cluster = b.cluster;
    this.plugins = b.plugins;
    this.registry = b.registry;
    this.hostReadiness = b.hostReadiness;
    this.host = b.bindAddress;
    List<Route> all = new ArrayList<>();
    all.add(Route.of("GET", "/health", NO_PARAMETERS, request -> health()));
    all.add(Route.of("GET", "/metrics", NO_PARAMETERS, request -> metrics()));
    all.add(Route.of("GET", "/plugins", NO_PARAMETERS,
        request -> AdminResponse.ok(plugins.plugins()).withHeader(SECURITY_HEADER, security())));
    all.add(Route.of(Route.ANY_METHOD, "/plugins/{id}/**", null, this::pluginEndpoint));
    all.addAll(b.routes);
    this.routes = List.copyOf(all);

    QueuedThreadPool threads = new QueuedThreadPool(b.threads + 4, 2);
    threads.setName(b.name + "-admin-http");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    // Encodings Jetty would refuse with a bare "Bad Request" (invalid UTF-8 after decoding,
    // encoded separators or dot segments) reach our own strict decoder, whose 400 names the
    // segment or parameter at fault; the raw path is all routes ever look at. A '%' without two
    // hex digits is still refused by Jetty's parser, in our JSON shape.
    http.setUriCompliance(UriCompliance.from(EnumSet.of(Violation.BAD_PERCENT_ENCODING,
        Violation.BAD_UTF8_ENCODING, Violation.TRUNCATED_UTF8_ENCODING,
        Violation.AMBIGUOUS_PATH_SEPARATOR, Violation.AMBIGUOUS_PATH_ENCODING,
        Violation.AMBIGUOUS_PATH_SEGMENT, Violation.AMBIGUOUS_EMPTY_SEGMENT)));
    this.connector = tls == null
        ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
        : new ServerConnector(server, 1, 1, new SslConnectionFactory(sslContextFactory(tls),
            "http/1.1"), new HttpConnectionFactory(https(http)));
    connector.setHost(b.bindAddress);
    connector.setPort(b.port);
    if (b.channel != null) {
      connector.open(b.channel); // already bound: the port is known before the server starts
    }
    server.addConnector(connector);
    server.setHandler(new Dispatcher());
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    if (tls == null) {
      LOG.warn("{} admin HTTP server listening on {}/ UNAUTHENTICATED: ssl.enabled is false, so"
          + " callers are not authenticated (X-Venice-Principal is taken at its word) and not"
          + " authorized", b.name, url());
    } else {
      LOG.info("{} admin HTTP server listening on {}/ (TLS, {}; principals authenticated{})",
          b.name, url(), tls.needClientCert() ? "client certificate required"
              : "client certificate or bearer token",
          plugins.securityHooks().hasAuthorizer() ? ", authorized by plugins"
              : "; no authorizer plugin: every authenticated caller is allowed");
    }
  }

  private static SslContextFactory.Server sslContextFactory(Tls tls) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(tls.context());
    factory.setIncludeProtocols(Tls.PROTOCOLS);
    factory.setNeedClientAuth(tls.needClientCert());
    factory.setWantClientAuth(true); // a certificate, when sent, names the principal
    factory.setEndpointIdentificationAlgorithm(null); // clients are not checked by host name
    return factory;
  }

  /** The configuration for HTTPS: the TLS session (peer certificates) attached to each request. */
  private static HttpConfiguration https(HttpConfiguration http) {
    HttpConfiguration secure = new HttpConfiguration(http);
    SecureRequestCustomizer customizer = new SecureRequestCustomizer();
    customizer.setSniHostCheck(false); // callers connect by IP address, which SNI cannot carry
    secure.addCustomizer(customizer);
    return secure;
  }

  /** A builder. */
  public static Builder builder(String processName, PluginManager plugins,
      PrometheusMeterRegistry registry) {
    return new Builder(processName, plugins, registry);
  }

  /** The port the server listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:5555} ({@code https://} with TLS). */
  public String url() {
    return (tls == null ? "http://" : "https://") + host + ":" + port();
  }

  /** The {@link #SECURITY_HEADER} value. */
  private String security() {
    if (tls == null) {
      return "unauthenticated";
    }
    return "authenticated; " + (plugins.securityHooks().hasAuthorizer() ? "authorized"
        : "no authorizer");
  }

  /** Whether the server speaks TLS and authenticates its callers. */
  public boolean secure() {
    return tls != null;
  }

  /**
   * Every route this server answers, for tools that list or check the API (the OpenAPI drift
   * test): each registered route as {@code "METHOD /pattern"} with its {@code {name}} parameters as
   * registered ({@code GET /stores/{store}}), built-ins first, then {@code "ANY
   * /plugins/<id>/<path>"} for each endpoint of a started plugin, its path as the plugin declared
   * it (an empty one serves everything under {@code /plugins/<id>/}). The catch-all route that
   * hands requests to those endpoints is not listed itself: the endpoints are what it serves.
   * Thread-safe: the routes are fixed when the server is built and the endpoints are the plugin
   * manager's current (immutable) set.
   */
  public List<String> routes() {
    List<String> all = new ArrayList<>();
    for (Route route : routes) {
      if (!route.method().equals(Route.ANY_METHOD)) {
        all.add(route.name());
      }
    }
    for (PluginEndpoints.Mounted endpoint : plugins.endpoints().mounted()) {
      all.add("ANY /plugins/" + endpoint.pluginId() + "/" + endpoint.path());
    }
    return List.copyOf(all);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("{} admin HTTP server did not stop cleanly", processName, e);
    }
  }

  private AdminResponse health() {
    List<String> reasons = new ArrayList<>();
    Readiness hostVote = hostReadiness.get();
    if (!hostVote.ready()) {
      reasons.add(hostVote.reason());
    }
    Readiness pluginVote = plugins.lifecycleHooks().readiness();
    if (!pluginVote.ready()) {
      reasons.add(pluginVote.reason());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", reasons.isEmpty() ? "UP" : "NOT_READY");
    body.put("reasons", reasons);
    return AdminResponse.json(reasons.isEmpty() ? 200 : 503, body);
  }

  private AdminResponse metrics() {
    return AdminResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }

  private AdminResponse pluginEndpoint(AdminRequest request) {
    String id = request.pathParameter("id");
    String subPath = String.join("/", request.rest());
    PluginHttpResponse response = plugins.endpoints().handle(id, new PluginHttpRequest(
        request.method(), subPath, request.query().asMap(), request.headers(), request.body()))
        .orElseThrow(() -> new AdminHttpException(AdminErrorType.NOT_FOUND, "plugin " + id
            + " is not started or has no endpoint at /" + subPath + " (see GET /plugins)"));
    if (!request.method().equals("GET") && !request.method().equals("HEAD")
        && !plugins.adminMutationHooks().isEmpty()) {
      // a change made through a plugin (an ACL grant) is audited like the process's own
      plugins.adminMutationHooks().after(new AdminMutation(AdminOperation.PLUGIN_ENDPOINT,
          cluster, null, new Caller(request.principal().name(), request.remoteAddress()),
          Instant.now(), Map.of(), Map.of("plugin", id, "method", request.method(),
              "path", "/" + subPath, "body", auditedBody(request.body())), false),
          response.status() < 400
              ? new AdminOutcome(true, null, Map.of("status", response.status()))
              : new AdminOutcome(false, "HTTP " + response.status(), Map.of("status",
                  response.status())));
    }
    return new AdminResponse(response.status(), response.contentType(), response.body(),
        Map.of());
  }

  /** A plugin endpoint's request body for the audit: UTF-8 text, at most 4,096 characters. */
  private static String auditedBody(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= 4096 ? text : text.substring(0, 4096) + "... (" + body.length
        + " bytes)";
  }

  /** Matches a request to a route, checks it, runs the route and sends its answer. */
  private final class Dispatcher extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String method = request.getMethod().toUpperCase(Locale.ROOT);
      String routeName = "unmatched";
      AdminResponse answer;
      try {
        byte[] body = readBody(request);
        List<String> segments = segments(request.getHttpURI().getPath());
        Match match = match(method, segments);
        routeName = match.route().name();
        QueryParameters query = QueryParameters.parse(request.getHttpURI().getQuery());
        if (match.route().queryParameters() != null) {
          query.checkOnly(match.route().queryParameters(), match.route().name());
        }
        if (!match.route().method().equals(Route.ANY_METHOD) && body.length > 0
            && BODILESS_METHODS.contains(method)) {
          throw AdminHttpException.badRequest(match.route().name() + " takes no request body;"
              + " got " + body.length + " bytes");
        }
        Map<String, String> headers = headers(request);
        String address = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        Principal principal = principal(request, headers);
        authorize(principal, method, match, address);
        answer = match.route().handler().handle(new AdminRequest(method, match.route().name(),
            segments, match.parameters(), match.rest(), query, headers, body, address,
            request.getHttpURI().getPathQuery(), principal));
      } catch (AdminHttpException e) {
        answer = AdminResponse.error(e.status(), e.type(), e.getMessage());
        for (Map.Entry<String, String> header : e.headers().entrySet()) {
          answer = answer.withHeader(header.getKey(), header.getValue());
        }
      } catch (Exception | LinkageError e) {
        LOG.error("{} admin request {} {} failed", processName, method,
            request.getHttpURI().getPath(), e);
        answer = AdminResponse.error(AdminErrorType.INTERNAL, method + " "
            + request.getHttpURI().getPath() + " failed: " + e);
      }
      Counter.builder("venice." + processName + ".admin.requests")
          .description("Admin HTTP requests by route and status")
          .tag("route", routeName).tag("status", Integer.toString(answer.status()))
          .register(registry).increment();
      send(method, answer, response, callback);
      return true;
    }
  }

  private record Match(Route route, Map<String, String> parameters, List<String> rest) {}

  /**
   * The request's principal: see the class comment. Without TLS, the claimed one (unauthenticated).
   *
   * @throws AdminHttpException {@code UNAUTHENTICATED} for a bearer token no authenticator accepts
   */
  private Principal principal(Request request, Map<String, String> headers) {
    String claimed = headers.get(ControllerClient.PRINCIPAL_HEADER.toLowerCase(Locale.ROOT));
    if (tls == null) {
      return claimed == null || claimed.isBlank() ? Principal.ANONYMOUS
          : new Principal(claimed, Set.of(), false);
    }
    if (claimed != null && principalHeaderNoted.compareAndSet(false, true)) {
      LOG.warn("{} admin server: ignoring {} (\"{}\" from {}): with TLS the principal comes from"
          + " the client certificate or bearer token; logged once", processName,
          ControllerClient.PRINCIPAL_HEADER, claimed, Request.getRemoteAddr(request));
    }
    EndPoint.SslSessionData session = (EndPoint.SslSessionData) request.getAttribute(
        EndPoint.SslSessionData.ATTRIBUTE);
    Optional<Principal> certified = CertificatePrincipals.of(session == null ? null
        : session.peerCertificates());
    if (certified.isPresent()) {
      return certified.get();
    }
    String authorization = headers.get("authorization");
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return plugins.securityHooks().authenticate(authorization.substring(BEARER.length()).trim())
          .orElseThrow(() -> new AdminHttpException(AdminErrorType.UNAUTHENTICATED,
              "the bearer token was not accepted", Map.of("WWW-Authenticate", "Bearer")));
    }
    return Principal.ANONYMOUS;
  }

  /**
   * With TLS: refuses an anonymous caller anything but {@code GET /health}, then asks the
   * authorizers when the route needs access with this method.
   *
   * @throws AdminHttpException {@code UNAUTHENTICATED} for an anonymous caller, {@code
   *     PERMISSION_DENIED} when an authorizer denies
   */
  private void authorize(Principal principal, String method, Match match, String address) {
    if (tls == null) {
      return;
    }
    String store = match.route().clusterWide() ? null : match.parameters().get("store");
    AccessLevel level = match.route().access(method, store != null);
    // only the liveness probe answers an anonymous caller: the rest names stores and addresses
    if (!principal.authenticated() && !match.route().name().equals("GET /health")) {
      throw new AdminHttpException(AdminErrorType.UNAUTHENTICATED, match.route().name()
          + " needs an authenticated caller: present a client certificate or a bearer token",
          Map.of("WWW-Authenticate", "Bearer"));
    }
    if (level == null || !plugins.securityHooks().hasAuthorizer()) {
      return;
    }
    Resource resource = store != null ? Resource.store(store) : Resource.cluster(cluster);
    AccessRequest asked = new AccessRequest(principal, match.route().name(), level, resource);
    AccessDecision decision = plugins.securityHooks().authorize(asked);
    if (!decision.allowed()) {
      LOG.info("{} admin server: denied {} from {}: {} on {} ({})", processName,
          principal.name(), address, asked.operation(), resource, decision.reason());
      Counter.builder("venice." + processName + ".access.denied")
          .description("Operations an authorizer denied").register(registry).increment();
      plugins.securityHooks().denied(new AccessDenial(asked, decision.reason(), address,
          Instant.now()));
      throw new AdminHttpException(AdminErrorType.PERMISSION_DENIED, "permission denied: "
          + principal.name() + " may not " + asked.operation() + " on " + resource);
    }
  }

  /**
   * The route for {@code method} on {@code segments}: a 404 when no route has the path, a 405
   * (with {@code Allow}) when none of those has the method.
   */
  private Match match(String method, List<String> segments) {
    Set<String> allowed = new TreeSet<>();
    for (Route route : routes) {
      Map<String, String> parameters = new LinkedHashMap<>();
      List<String> rest = new ArrayList<>();
      if (!route.matches(segments, parameters, rest)) {
        continue;
      }
      if (route.accepts(method)) {
        return new Match(route, parameters, rest);
      }
      allowed.add(route.method());
    }
    String path = "/" + String.join("/", segments);
    if (allowed.isEmpty()) {
      throw new AdminHttpException(AdminErrorType.NOT_FOUND, "no route for " + method + " " + path);
    }
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    String allow = String.join(", ", allowed);
    throw new AdminHttpException(AdminErrorType.METHOD_NOT_ALLOWED,
        method + " is not allowed on " + path
        + "; allowed: " + allow, Map.of("Allow", allow));
  }

  /** The decoded, non-empty segments of a raw path. */
  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : (rawPath == null ? "" : rawPath).split("/")) {
      if (!raw.isEmpty()) {
        segments.add(PercentDecoding.decode(raw, false, "path segment '" + raw + "'"));
      }
    }
    return segments;
  }

  /**
   * The body, at most {@link #MAX_BODY_BYTES}; a larger one is read to its end (at most 256 MiB)
   * and refused with a 413; one that cannot be read (broken chunking, the caller gone) is a 400.
   */
  private static byte[] readBody(Request request) {
    long declared = request.getLength();
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] body = declared > MAX_BODY_BYTES ? null : in.readNBytes(MAX_BODY_BYTES + 1);
      if (body != null && body.length <= MAX_BODY_BYTES) {
        return body;
      }
      long drained = 0;
      byte[] scratch = new byte[64 << 10];
      for (int n; drained < MAX_DRAINED_BYTES && (n = in.read(scratch)) > 0; ) {
        drained += n;
      }
      throw new AdminHttpException(AdminErrorType.BODY_TOO_LARGE,
          "request body exceeds the limit of "
          + MAX_BODY_BYTES + " bytes" + (declared > 0 ? " (Content-Length " + declared + ")" : ""));
    } catch (IOException e) {
      throw AdminHttpException.badRequest("the request body could not be read: "
          + e.getMessage());
    }
  }

  private static Map<String, String> headers(Request request) {
    Map<String, String> headers = new TreeMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + "," + b);
    }
    return headers;
  }

  private static void send(String method, AdminResponse answer, Response response,
      Callback callback) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    if (method.equals("HEAD") || answer.body().length == 0) {
      response.write(true, null, callback);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  /** Jetty's own errors (a malformed request line, headers too large, ...) in our JSON shape. */
  private static final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true; // Jetty's default answers only GET, POST and HEAD with a body
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
        Throwable cause, Callback callback) {
      String reason = HttpStatus.getMessage(code);
      AdminErrorType type = AdminErrorType.forHttpStatus(code);
      String detail = message == null || message.isBlank() || message.equals(reason) ? ""
          : ": " + message;
      String text = "the request could not be read (" + code + " " + reason + ")" + detail
          + (code == 400 ? "; a malformed request line or header, such as a '%' in the URI not"
              + " followed by two hex digits, or a space or one of | { } < > \" in the path"
              : "");
      byte[] body = AdminResponse.error(code, type, text).body();
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, AdminResponse.JSON_TYPE);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  /** One route: a method, a path pattern and the query parameters it accepts. */
  private record Route(String method, List<String> pattern, Set<String> queryParameters,
      AdminHandler handler, String name, AccessLevel declaredAccess, boolean clusterWide) {
    static final String ANY_METHOD = "*";

    /**
     * The access a request with {@code requestMethod} needs: to read, what the route declared, else
     * {@link AccessLevel#READ} for a route naming a store or a plugin's endpoint, else none ({@code
     * null}: health, metrics, the plugin listing, the cluster's description); to change anything,
     * what the route declared, {@link AccessLevel#ADMIN} by default.
     */
    AccessLevel access(String requestMethod, boolean namesAStore) {
      if (requestMethod.equals("GET") || requestMethod.equals("HEAD")) {
        return declaredAccess != null ? declaredAccess
            : namesAStore || method.equals(ANY_METHOD) ? AccessLevel.READ : null;
      }
      return declaredAccess != null ? declaredAccess : AccessLevel.ADMIN;
    }

    Route withAccess(AccessLevel level, boolean onCluster) {
      return new Route(method, pattern, queryParameters, handler, name, level, onCluster);
    }

    /**
     * @param pattern segments, each literal, {@code {name}} (one segment) or a final {@code **}
     *     (any number of segments)
     * @param queryParameters the accepted parameters, or {@code null} to leave them to the handler
     */
    static Route of(String method, String pattern, Set<String> queryParameters,
        AdminHandler handler) {
      List<String> parts = new ArrayList<>();
      for (String part : pattern.split("/")) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
      return new Route(method, List.copyOf(parts), queryParameters == null ? null
          : Set.copyOf(queryParameters), Objects.requireNonNull(handler, "handler"),
          (method.equals(ANY_METHOD) ? "" : method + " ") + pattern, null, false);
    }

    boolean accepts(String requestMethod) {
      return method.equals(ANY_METHOD) || method.equals(requestMethod)
          || (requestMethod.equals("HEAD") && method.equals("GET"));
    }

    boolean matches(List<String> segments, Map<String, String> parameters, List<String> rest) {
      for (int i = 0; i < pattern.size(); i++) {
        String part = pattern.get(i);
        if (part.equals("**") && i == pattern.size() - 1) {
          rest.addAll(segments.subList(i, segments.size()));
          return true;
        }
        if (i >= segments.size()) {
          return false;
        }
        if (part.startsWith("{") && part.endsWith("}")) {
          parameters.put(part.substring(1, part.length() - 1), segments.get(i));
        } else if (!part.equals(segments.get(i))) {
          return false;
        }
      }
      return segments.size() == pattern.size();
    }
  }

  /** Configures an {@link AdminHttpServer}. */
  public static final class Builder {
    private final String name;
    private final PluginManager plugins;
    private final PrometheusMeterRegistry registry;
    private String bindAddress = "127.0.0.1";
    private int port;
    private int threads = 4;
    private ServerSocketChannel channel;
    private Supplier<Readiness> hostReadiness = () -> Readiness.READY;
    private final List<Route> routes = new ArrayList<>();
    private Tls tls;
    private String cluster = "";

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

    /**
     * Serves on {@code bound}, a channel already bound (to {@link #bindAddress}'s address), instead
     * of binding {@code bindAddress:port} itself: for a process that needs its admin port (its
     * instance id) before the server can be built. The server owns the channel from here on and
     * closes it on {@link AdminHttpServer#close}.
     */
    public Builder channel(ServerSocketChannel bound) {
      this.channel = Objects.requireNonNull(bound, "bound");
      return this;
    }

    /**
     * Serves HTTPS with {@code tls}, authenticating and authorizing callers (see the class
     * comment); default: plain HTTP, unauthenticated.
     */
    public Builder tls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The cluster the process belongs to: the resource of routes that name no store. */
    public Builder cluster(String name) {
      this.cluster = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the access a route needs when security is on (see the class comment for the defaults):
     * a push's routes need {@link AccessLevel#WRITE}, listing every store {@link AccessLevel#READ}
     * on the cluster.
     *
     * @throws IllegalArgumentException when no route {@code method pattern} was added
     */
    public Builder access(String method, String pattern, AccessLevel level) {
      return access(method, pattern, level, false);
    }

    /**
     * As {@link #access}, the access needed on the cluster even though the route names a store:
     * a server's replica report, which could put any store's version online.
     */
    public Builder clusterAccess(String method, String pattern, AccessLevel level) {
      return access(method, pattern, level, true);
    }

    private Builder access(String method, String pattern, AccessLevel level, boolean onCluster) {
      String name = method.toUpperCase(Locale.ROOT) + " " + pattern;
      for (int i = 0; i < routes.size(); i++) {
        if (routes.get(i).name().equals(name)) {
          routes.set(i, routes.get(i).withAccess(Objects.requireNonNull(level, "level"),
              onCluster));
          return this;
        }
      }
      throw new IllegalArgumentException("no route " + name + " to set the access of");
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

    /** Adds a route that takes no query parameter. */
    public Builder route(String method, String pattern, AdminHandler handler) {
      return route(method, pattern, NO_PARAMETERS, handler);
    }

    /**
     * Adds a route.
     *
     * @param method {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
     * @param pattern the path: literal segments and {@code {name}} parameters, e.g. {@code
     *     /stores/{store}/versions/{version}}
     * @param queryParameters the query parameters it accepts (any other is a 400)
     * @throws IllegalArgumentException when the same method and pattern are added twice
     */
    public Builder route(String method, String pattern, Set<String> queryParameters,
        AdminHandler handler) {
      Route route = Route.of(method.toUpperCase(Locale.ROOT), pattern,
          Objects.requireNonNull(queryParameters, "queryParameters"), handler);
      if (routes.stream().anyMatch(r -> r.name().equals(route.name()))) {
        throw new IllegalArgumentException("route " + route.name() + " added twice");
      }
      routes.add(route);
      return this;
    }

    /** Starts the server. */
    public AdminHttpServer start() throws Exception {
      return new AdminHttpServer(this);
    }
  }
}
