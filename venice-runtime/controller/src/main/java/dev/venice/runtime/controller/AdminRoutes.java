package dev.venice.runtime.controller;

import static dev.venice.spi.controller.AdminOperation.ADD_VALUE_SCHEMA;
import static dev.venice.spi.controller.AdminOperation.CREATE_STORE;
import static dev.venice.spi.controller.AdminOperation.CREATE_VERSION;
import static dev.venice.spi.controller.AdminOperation.DELETE_STORE;
import static dev.venice.spi.controller.AdminOperation.KILL_PUSH;
import static dev.venice.spi.controller.AdminOperation.SWAP_VERSION;
import static dev.venice.spi.controller.AdminOperation.UPDATE_STORE;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.venice.runtime.common.admin.AdminHandler;
import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.SchemaDryRun;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.host.ClusterMember;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

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
 * GET    /stores/{store}/versions                  the versions
 * POST   /stores/{store}/versions                  start a push {"recordCount", "allowEmpty", "force"}
 * GET    /stores/{store}/versions/{n}              push status with replica reports
 * POST   /stores/{store}/versions/{n}/replicas     report a replica {"partition","instance","status"}
 * POST   /stores/{store}/versions/{n}/kill         kill a push in progress
 * POST   /stores/{store}/versions/{n}/progress     the push job's progress and ETA
 * PUT    /stores/{store}/versions/{n}/dictionary   a ZSTD_WITH_DICT version's dictionary (base64)
 * GET    /stores/{store}/versions/{n}/dictionary   the same
 * GET    /pushes?store=S                           pushes in progress and recent (leader)
 * PUT    /stores/{store}/current-version           {"version": n}: roll back or forward
 * GET    /cluster                                  leader, controllers, storage instances
 * GET    /leader                                   the leader controller's URL
 * GET    /cluster/leader-distribution              leaders per server ({@link AssignmentRoutes})
 * POST   /cluster/leader-rebalance                 rebalance leaders ({@link AssignmentRoutes})
 * GET    /stores/{store}/assignment                replicas per server ({@link AssignmentRoutes})
 * </pre>
 *
 * Mutations (except replica reports) take {@code ?dryRun=true|false} (validate and ask the
 * plugins, change nothing); no route takes another query parameter but those {@link
 * AssignmentRoutes} lists. A dry run that passes answers
 * 200 {@code {"dryRun": true, "operation", "accepted": true, "path"}}; bad input, a missing store
 * or a veto is the error the real call would answer. A schema registration's dry run is the
 * exception: it always answers 200 with {@code accepted} true or false and a {@link SchemaDryRun}
 * report (per registered value schema the verdict with field-level reasons, the pushes in flight,
 * and the {@code refusal} the real call would answer: 409 incompatible, 403 vetoed), unless the
 * request itself is bad (400 invalid schema, 404 no store). It writes nothing to ZooKeeper. A standby answers a mutation
 * with 307 to the same path on the leader. Errors are {@code {"error", "errorType"}} with a 4xx
 * for anything the caller can fix (see {@link AdminHttpServer} for the checks every route gets).
 */
final class AdminRoutes {
  private static final Set<String> DRY_RUN = Set.of("dryRun");

  private final String cluster;
  private final StoreService stores;
  private final Supplier<LeaderElection> election;
  private final ClusterResources resources;
  private final ReplicaAssignments assignments;
  private final String kafkaBootstrapServers;
  private final String zookeeperAddress;
  private final Supplier<List<ClusterMember>> members;

  AdminRoutes(String cluster, StoreService stores, ReplicaAssignments assignments,
      Supplier<LeaderElection> election, ClusterResources resources,
      String kafkaBootstrapServers, String zookeeperAddress,
      Supplier<List<ClusterMember>> members) {
    this.assignments = assignments;
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.zookeeperAddress = zookeeperAddress;
    this.members = members;
    this.cluster = cluster;
    this.stores = stores;
    this.election = election;
    this.resources = resources;
  }

  /** Mounts the routes on an admin server builder. */
  void mount(AdminHttpServer.Builder server) {
    server.route("GET", "/stores", r -> ok(Map.of("cluster", cluster, "stores",
        stores.storeNames())));
    server.route("POST", "/stores", DRY_RUN, onLeader(r -> {
      Object created = stores.create(JsonFields.of(r, StoreService.CREATE_FIELDS), caller(r),
          dryRun(r));
      return dryRun(r) ? dryRunAnswer(r, CREATE_STORE) : AdminResponse.json(201, created);
    }));
    server.route("GET", "/stores/{store}", r -> ok(stores.store(store(r))));
    server.route("PATCH", "/stores/{store}", DRY_RUN, onLeader(r -> done(r, UPDATE_STORE,
        stores.update(store(r), JsonFields.of(r, StoreService.UPDATE_FIELDS), caller(r),
            dryRun(r)))));
    server.route("DELETE", "/stores/{store}", DRY_RUN, onLeader(r -> {
      stores.delete(store(r), caller(r), dryRun(r));
      return done(r, DELETE_STORE, Map.of("cluster", cluster, "name", store(r),
          "deleted", true));
    }));
    server.route("GET", "/stores/{store}/schemas", r -> ok(stores.schemas(store(r))));
    server.route("POST", "/stores/{store}/schemas", DRY_RUN, onLeader(r -> {
      String schema = JsonFields.of(r, Set.of("schema")).requiredText("schema");
      if (dryRun(r)) {
        SchemaDryRun report = stores.dryRunValueSchema(store(r), schema, caller(r));
        return dryRunAnswer(r, ADD_VALUE_SCHEMA, report.accepted(), report);
      }
      return ok(Map.of("store", store(r), "id", stores.addValueSchema(store(r), schema,
          caller(r))));
    }));
    server.route("GET", "/stores/{store}/versions", r -> ok(stores.store(store(r)).versions()));
    server.route("POST", "/stores/{store}/versions", DRY_RUN, onLeader(r -> {
      Object version = stores.startPush(store(r), JsonFields.of(r, StoreService.PUSH_FIELDS),
          caller(r), dryRun(r));
      return dryRun(r) ? dryRunAnswer(r, CREATE_VERSION) : AdminResponse.json(201, version);
    }));
    server.route("PUT", "/stores/{store}/current-version", DRY_RUN, onLeader(r -> {
      int version = JsonFields.of(r, Set.of("version")).integer("version", 1, Integer.MAX_VALUE)
          .orElseThrow(() -> AdminHttpException.badRequest("field version is required"));
      return done(r, SWAP_VERSION, stores.setCurrentVersion(store(r), version, caller(r),
          dryRun(r)));
    }));
    server.route("GET", "/stores/{store}/versions/{version}",
        r -> ok(stores.pushStatus(store(r), version(r))));
    server.route("POST", "/stores/{store}/versions/{version}/kill", DRY_RUN, onLeader(r -> {
      JsonFields.of(r, Set.of());
      return done(r, KILL_PUSH, stores.killPush(store(r), version(r), caller(r), dryRun(r)));
    }));
    server.route("POST", "/stores/{store}/versions/{version}/replicas", onLeader(r -> {
      JsonFields report = JsonFields.of(r, Set.of("partition", "instance", "status"));
      stores.reportReplica(store(r), version(r),
          report.integer("partition", 0, Integer.MAX_VALUE).orElseThrow(
              () -> AdminHttpException.badRequest("field partition is required")),
          report.requiredText("instance"),
          report.enumeration("status", ReplicaStatus.class).orElseThrow(
              () -> AdminHttpException.badRequest("field status is required")));
      return ok(Map.of("reported", true));
    }));
    server.route("POST", "/stores/{store}/versions/{version}/progress", onLeader(r -> {
      stores.reportProgress(store(r), version(r), JsonFields.of(r, StoreService.PROGRESS_FIELDS));
      return ok(Map.of("reported", true));
    }));
    server.route("PUT", "/stores/{store}/versions/{version}/dictionary", onLeader(r -> {
      stores.putDictionary(store(r), version(r), JsonFields.of(r, Set.of("dictionary"))
          .requiredText("dictionary"));
      return ok(Map.of("store", store(r), "version", version(r), "stored", true));
    }));
    server.route("GET", "/stores/{store}/versions/{version}/dictionary", r -> {
      byte[] dictionary = stores.dictionary(store(r), version(r));
      return ok(Map.of("store", store(r), "version", version(r), "bytes", dictionary.length,
          "dictionary", Base64.getEncoder().encodeToString(dictionary)));
    });
    // only the leader holds the push jobs' progress reports: a standby redirects there too
    server.route("GET", "/pushes", Set.of("store"), onLeader(r -> ok(Map.of("cluster", cluster,
        "pushes", stores.pushes(r.query().single("store"))))));
    server.route("GET", "/cluster", r -> cluster());
    server.route("GET", "/leader", r -> leader());
    // A push job writes data (and kills its own failed version); replica reports stay ADMIN (the
    // servers' own, which could force a version online); everything else that changes state needs
    // ADMIN (the default). Listing every store or push needs READ on the cluster.
    for (String push : List.of("POST /stores/{store}/versions",
        "POST /stores/{store}/versions/{version}/progress",
        "PUT /stores/{store}/versions/{version}/dictionary",
        "POST /stores/{store}/versions/{version}/kill")) {
      int space = push.indexOf(' ');
      server.access(push.substring(0, space), push.substring(space + 1), AccessLevel.WRITE);
    }
    server.access("GET", "/stores", AccessLevel.READ).access("GET", "/pushes", AccessLevel.READ)
        .clusterAccess("POST", "/stores/{store}/versions/{version}/replicas", AccessLevel.ADMIN);
    new AssignmentRoutes(stores, assignments, this::onLeader).mount(server);
    new SchemaRegistryWebRoutes(stores).mount(server);
    new ApiDocsRoutes().mount(server);
  }

  /** A mutation: a standby answers 307 to the leader (or 503 while there is none). */
  AdminHandler onLeader(AdminHandler mutation) {
    return request -> {
      dryRun(request); // a bad dryRun value is refused before anything else, on any controller
      LeaderElection leadership = election.get();
      if (leadership != null && leadership.isLeader()) {
        return AdminWarnings.collect(mutation, request);
      }
      Optional<String> leader = leadership == null ? Optional.empty() : leadership.leaderUrl();
      if (leader.isEmpty()) {
        throw new AdminHttpException(AdminErrorType.NO_LEADER, "cluster " + cluster
            + " has no leader controller right now; retry shortly");
      }
      return AdminResponse.error(AdminErrorType.NOT_LEADER,
          "this controller is a standby; the leader of"
          + " cluster " + cluster + " is " + leader.get())
          .withHeader("Location", leader.get() + request.rawTarget());
    };
  }

  private AdminResponse cluster() {
    LeaderElection leadership = election.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", cluster);
    body.put("leader", leadership == null ? null : leadership.leaderUrl().orElse(null));
    body.put("thisControllerIsLeader", leadership != null && leadership.isLeader());
    body.put("storageInstances", resources.storageInstances());
    body.put("kafkaBootstrapServers", kafkaBootstrapServers);
    body.put("zookeeperAddress", zookeeperAddress); // where a Da Vinci client reads metadata
    body.put("stores", stores.storeNames().size());
    body.put("members", members.get()); // every live process: kind, admin URL, gRPC address
    return ok(body);
  }

  private AdminResponse leader() {
    LeaderElection leadership = election.get();
    Optional<String> url = leadership == null ? Optional.empty() : leadership.leaderUrl();
    if (url.isEmpty()) {
      throw new AdminHttpException(AdminErrorType.NO_LEADER, "cluster " + cluster
          + " has no leader controller right now");
    }
    return ok(Map.of("cluster", cluster, "url", url.get()));
  }

  private static String store(AdminRequest r) {
    return r.pathParameter("store");
  }

  private static int version(AdminRequest r) {
    String text = r.pathParameter("version");
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw AdminHttpException.badRequest("version '" + JsonFields.abbreviate(text)
        + "' is not a version number (1 or more)");
  }

  private static boolean dryRun(AdminRequest r) {
    return r.query().bool("dryRun", false);
  }

  private static AdminResponse ok(Object body) {
    return AdminResponse.ok(body);
  }

  private static AdminResponse done(AdminRequest r, AdminOperation operation, Object body) {
    return dryRun(r) ? dryRunAnswer(r, operation) : ok(body);
  }

  private static AdminResponse dryRunAnswer(AdminRequest r, AdminOperation operation) {
    return dryRunAnswer(r, operation, true, Map.of());
  }

  /**
   * A dry run's answer, always 200: {@code dryRun}, {@code operation}, {@code accepted} (whether
   * the real call would succeed now) and {@code path}, then the fields of the operation's own
   * {@code report}, if it has one.
   */
  private static AdminResponse dryRunAnswer(AdminRequest r, AdminOperation operation,
      boolean accepted, Object report) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dryRun", true);
    body.put("operation", operation.name());
    body.put("accepted", accepted);
    body.put("path", r.path());
    body.putAll(MetadataRepository.JSON.convertValue(report,
        new TypeReference<Map<String, Object>>() {}));
    return ok(body);
  }

  /**
   * The request's caller: its authenticated principal with security on, else the one its {@code
   * X-Venice-Principal} header claims ({@code anonymous} when absent).
   */
  static Caller caller(AdminRequest r) {
    return new Caller(r.principal().name(), r.remoteAddress());
  }
}
