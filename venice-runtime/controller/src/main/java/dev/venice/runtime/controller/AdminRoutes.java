package dev.venice.runtime.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.spi.controller.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's admin API (HTTP + JSON), resource style with Venice's nouns:
 *
 * <pre>
 * GET    /stores                                   list store names
 * POST   /stores                                   create a store
 * GET    /stores/{store}                           describe
 * PATCH  /stores/{store}                           update settings
 * DELETE /stores/{store}                           delete with all versions
 * GET    /stores/{store}/schemas                   key and value schemas
 * POST   /stores/{store}/schemas                   register a value schema {"schema": ...}
 * POST   /stores/{store}/versions                  start a push (new version)
 * GET    /stores/{store}/versions/{n}              push status with replica reports
 * POST   /stores/{store}/versions/{n}/replicas     report a replica {"partition","instance","status"}
 * POST   /stores/{store}/versions/{n}/kill         kill a push in progress
 * PUT    /stores/{store}/current-version           {"version": n}: roll back or forward
 * GET    /cluster                                  leader, controllers, storage instances
 * GET    /leader                                   the leader controller's URL
 * </pre>
 *
 * Mutations take {@code ?dryRun=true} (validate and ask the plugins, change nothing). A standby
 * answers a mutation with 307 to the same path on the leader. Errors are {@code {"error",
 * "errorType"}} with a 4xx for anything the caller can fix.
 */
final class AdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

  private final String cluster;
  private final StoreService stores;
  private final Supplier<LeaderElection> election;
  private final ClusterResources resources;
  private final MeterRegistry registry;
  private final String kafkaBootstrapServers;

  AdminRoutes(String cluster, StoreService stores, Supplier<LeaderElection> election,
      ClusterResources resources, MeterRegistry registry, String kafkaBootstrapServers) {
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.cluster = cluster;
    this.stores = stores;
    this.election = election;
    this.resources = resources;
    this.registry = registry;
  }

  /** Mounts the routes on an admin server builder. */
  void mount(AdminHttpServer.Builder server) {
    server.route("/stores", handler(this::stores));
    server.route("/cluster", handler(this::cluster));
    server.route("/leader", handler(this::leader));
  }

  private interface Route {
    /** Answers a request: the status and the JSON body. */
    Response handle(Request request) throws IOException;
  }

  private record Response(int status, Object body) {}

  private record Request(String method, List<String> path, Map<String, String> query,
      byte[] body, Caller caller) {
    boolean dryRun() {
      return Boolean.parseBoolean(query.getOrDefault("dryRun", "false"));
    }

    String segment(int i) {
      return path.get(i);
    }
  }

  private HttpHandler handler(Route route) {
    return exchange -> {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String operation = method + " " + exchange.getHttpContext().getPath();
      try {
        if (!method.equals("GET") && !method.equals("HEAD") && redirectedToLeader(exchange)) {
          count(operation, 307);
          return;
        }
        Request request = new Request(method, segments(exchange), query(exchange),
            AdminHttpServer.readBody(exchange), caller(exchange));
        Response response = route.handle(request);
        count(operation, response.status());
        AdminHttpServer.sendJson(exchange, response.status(), response.body());
      } catch (AdminApiException e) {
        count(operation, e.status());
        AdminHttpServer.sendError(exchange, e.status(), e.type(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, exchange.getRequestURI(), e);
        count(operation, 500);
        AdminHttpServer.sendError(exchange, 500, "INTERNAL", method + " "
            + exchange.getRequestURI().getPath() + " failed: " + e);
      }
    };
  }

  private boolean redirectedToLeader(HttpExchange exchange) throws IOException {
    LeaderElection leadership = election.get();
    if (leadership != null && leadership.isLeader()) {
      return false;
    }
    Optional<String> leader = leadership == null ? Optional.empty() : leadership.leaderUrl();
    if (leader.isEmpty()) {
      AdminHttpServer.sendError(exchange, 503, "NO_LEADER", "cluster " + cluster
          + " has no leader controller right now; retry shortly");
      return true;
    }
    String location = leader.get() + exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? ""
            : "?" + exchange.getRequestURI().getRawQuery());
    exchange.getResponseHeaders().set("Location", location);
    AdminHttpServer.sendError(exchange, 307, "NOT_LEADER", "this controller is a standby; the"
        + " leader of cluster " + cluster + " is " + leader.get());
    return true;
  }

  private Response stores(Request r) {
    List<String> p = r.path();
    String method = r.method();
    if (!p.get(0).equals("stores")) {
      throw new AdminApiException(404, "NOT_FOUND", "no route for " + method + " /" + p.get(0));
    }
    if (p.size() == 1) {
      return switch (method) {
        case "GET" -> ok(Map.of("cluster", cluster, "stores", stores.storeNames()));
        case "POST" -> created(r, "CREATE_STORE",
            stores.create(JsonFields.parse(r.body(), StoreService.CREATE_FIELDS), r.caller(),
                r.dryRun()));
        default -> notAllowed(r, "GET, POST");
      };
    }
    String store = r.segment(1);
    if (p.size() == 2) {
      return switch (method) {
        case "GET" -> ok(stores.store(store));
        case "PATCH" -> done(r, "UPDATE_STORE", stores.update(store,
            JsonFields.parse(r.body(), StoreService.UPDATE_FIELDS), r.caller(), r.dryRun()));
        case "DELETE" -> {
          stores.delete(store, r.caller(), r.dryRun());
          yield done(r, "DELETE_STORE", Map.of("cluster", cluster, "name", store,
              "deleted", true));
        }
        default -> notAllowed(r, "GET, PATCH, DELETE");
      };
    }
    String resource = r.segment(2);
    if (p.size() == 3 && resource.equals("schemas")) {
      return switch (method) {
        case "GET" -> ok(stores.schemas(store));
        case "POST" -> {
          String schema = JsonFields.parse(r.body(), Set.of("schema")).requiredText("schema");
          int id = stores.addValueSchema(store, schema, r.caller(), r.dryRun());
          yield done(r, "ADD_VALUE_SCHEMA", Map.of("store", store, "id", id));
        }
        default -> notAllowed(r, "GET, POST");
      };
    }
    if (p.size() == 3 && resource.equals("versions")) {
      return switch (method) {
        case "GET" -> ok(stores.store(store).versions());
        case "POST" -> {
          JsonFields.parse(r.body(), Set.of());
          yield created(r, "CREATE_VERSION", stores.startPush(store, r.caller(), r.dryRun()));
        }
        default -> notAllowed(r, "GET, POST");
      };
    }
    if (p.size() == 3 && resource.equals("current-version")) {
      if (!method.equals("PUT")) {
        return notAllowed(r, "PUT");
      }
      int version = JsonFields.parse(r.body(), Set.of("version"))
          .integer("version", 1, Integer.MAX_VALUE)
          .orElseThrow(() -> AdminApiException.badRequest("field version is required"));
      return done(r, "SWAP_VERSION", stores.setCurrentVersion(store, version, r.caller(),
          r.dryRun()));
    }
    if (p.size() >= 4 && resource.equals("versions")) {
      int version = versionNumber(r.segment(3));
      if (p.size() == 4) {
        return method.equals("GET") ? ok(stores.pushStatus(store, version))
            : notAllowed(r, "GET");
      }
      if (p.size() == 5 && r.segment(4).equals("kill")) {
        return method.equals("POST")
            ? done(r, "KILL_PUSH", stores.killPush(store, version, r.caller(), r.dryRun()))
            : notAllowed(r, "POST");
      }
      if (p.size() == 5 && r.segment(4).equals("replicas")) {
        if (!method.equals("POST")) {
          return notAllowed(r, "POST");
        }
        JsonFields report = JsonFields.parse(r.body(), Set.of("partition", "instance", "status"));
        stores.reportReplica(store, version,
            report.integer("partition", 0, Integer.MAX_VALUE).orElseThrow(
                () -> AdminApiException.badRequest("field partition is required")),
            report.requiredText("instance"),
            report.enumeration("status", ReplicaStatus.class).orElseThrow(
                () -> AdminApiException.badRequest("field status is required")));
        return ok(Map.of("reported", true));
      }
    }
    throw new AdminApiException(404, "NOT_FOUND", "no route for " + method + " /"
        + String.join("/", p));
  }

  private Response cluster(Request r) {
    if (!r.method().equals("GET")) {
      return notAllowed(r, "GET");
    }
    LeaderElection leadership = election.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", cluster);
    body.put("leader", leadership == null ? null : leadership.leaderUrl().orElse(null));
    body.put("thisControllerIsLeader", leadership != null && leadership.isLeader());
    body.put("storageInstances", resources.storageInstances());
    body.put("kafkaBootstrapServers", kafkaBootstrapServers);
    body.put("stores", stores.storeNames().size());
    return ok(body);
  }

  private Response leader(Request r) {
    LeaderElection leadership = election.get();
    Optional<String> url = leadership == null ? Optional.empty() : leadership.leaderUrl();
    if (url.isEmpty()) {
      throw new AdminApiException(503, "NO_LEADER", "cluster " + cluster
          + " has no leader controller right now");
    }
    return ok(Map.of("cluster", cluster, "url", url.get()));
  }

  private static int versionNumber(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw AdminApiException.badRequest("version '" + JsonFields.abbreviate(text)
        + "' is not a version number (1 or more)");
  }

  private static Response ok(Object body) {
    return new Response(200, body);
  }

  private Response created(Request r, String operation, Object body) {
    return r.dryRun() ? dryRun(r, operation) : new Response(201, body);
  }

  private Response done(Request r, String operation, Object body) {
    return r.dryRun() ? dryRun(r, operation) : ok(body);
  }

  private Response dryRun(Request r, String operation) {
    return ok(Map.of("dryRun", true, "operation", operation, "accepted", true,
        "path", "/" + String.join("/", r.path())));
  }

  private static Response notAllowed(Request r, String allowed) {
    throw new AdminApiException(405, "METHOD_NOT_ALLOWED", r.method() + " is not allowed on /"
        + String.join("/", r.path()) + "; allowed: " + allowed);
  }

  private void count(String operation, int status) {
    Counter.builder("venice.controller.admin.requests")
        .description("Admin API requests by route and HTTP status")
        .tag("route", operation).tag("status", Integer.toString(status))
        .register(registry).increment();
  }

  private static List<String> segments(HttpExchange exchange) {
    return Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
        .filter(s -> !s.isEmpty())
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
        .toList();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    AdminHttpServer.query(exchange.getRequestURI()).forEach((name, values) ->
        query.put(name, values.get(0).isEmpty() ? "true" : values.get(0)));
    return query;
  }

  private static Caller caller(HttpExchange exchange) {
    String principal = exchange.getRequestHeaders().getFirst(ControllerClient.PRINCIPAL_HEADER);
    String address = exchange.getRemoteAddress().getHostString() + ":"
        + exchange.getRemoteAddress().getPort();
    return new Caller(principal == null || principal.isBlank() ? "anonymous" : principal, address);
  }
}
