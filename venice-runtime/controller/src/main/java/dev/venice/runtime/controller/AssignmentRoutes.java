package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHandler;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.security.AccessLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin routes of the replica views (seed projects 16 and 33), mounted by {@link AdminRoutes}:
 *
 * <pre>
 * GET  /cluster/leader-distribution[?threshold=T]        leaders per server, imbalance, per store
 * POST /cluster/leader-rebalance[?dryRun=true]          {"threshold": T}: rebalance the leaders
 *                                                       of the stores above T (leader only)
 * GET  /stores/{store}/assignment[?version=V][&amp;simulateAddServer=N][&amp;simulateRemoveServer=ID]
 *                                                       server to leader/follower partitions, and
 *                                                       the predicted ones after the change
 * </pre>
 *
 * The reads are answered by any controller from ZooKeeper; {@code T} is an imbalance score
 * (standard deviation / mean of leaders per live server, see {@link Imbalance}), default {@value
 * ReplicaAssignments#DEFAULT_THRESHOLD}.
 */
final class AssignmentRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentRoutes.class);
  private static final int MAX_SIMULATED_SERVERS = 100;

  private final StoreService stores;
  private final ReplicaAssignments assignments;
  private final UnaryOperator<AdminHandler> onLeader;

  /**
   * @param onLeader wraps a mutation so only the leader controller runs it (a standby redirects)
   */
  AssignmentRoutes(StoreService stores, ReplicaAssignments assignments,
      UnaryOperator<AdminHandler> onLeader) {
    this.stores = stores;
    this.assignments = assignments;
    this.onLeader = onLeader;
  }

  void mount(AdminHttpServer.Builder server) {
    server.route("GET", "/cluster/leader-distribution", Set.of("threshold"),
        r -> AdminResponse.ok(assignments.leaderDistribution(threshold(
            r.query().single("threshold").orElse(null), "query parameter threshold"))));
    server.route("POST", "/cluster/leader-rebalance", Set.of("dryRun"),
        onLeader.apply(this::rebalance));
    // every store's leaders: a cluster-wide read
    server.access("GET", "/cluster/leader-distribution", AccessLevel.READ);
    server.route("GET", "/stores/{store}/assignment",
        Set.of("version", "simulateAddServer", "simulateRemoveServer"), this::assignment);
  }

  private AdminResponse assignment(AdminRequest r) {
    String name = r.pathParameter("store");
    Store store = stores.store(name);
    int version = r.query().single("version").map(v -> positive(v, "version", Integer.MAX_VALUE))
        .orElse(store.currentVersion());
    if (version < 1) {
      throw new AdminHttpException(AdminErrorType.VERSION_NOT_FOUND, "store " + name
          + " has no current version (nothing pushed yet); ask for one with ?version=");
    }
    int add = r.query().single("simulateAddServer")
        .map(n -> positive(n, "simulateAddServer", MAX_SIMULATED_SERVERS)).orElse(0);
    String remove = r.query().single("simulateRemoveServer").orElse(null);
    if (remove != null && !StoreService.INSTANCE_ID.matcher(remove).matches()) {
      throw AdminHttpException.badRequest("store " + name + ": simulateRemoveServer '"
          + JsonFields.abbreviate(remove) + "' is not an instance id (host_port)");
    }
    Optional<AssignmentSimulation.Change> change = add == 0 && remove == null ? Optional.empty()
        : Optional.of(new AssignmentSimulation.Change(add, remove));
    String resource = TopicNames.versionTopic(name, version);
    Map<String, Object> answer;
    try {
      answer = assignments.assignment(resource, change).orElseThrow(() ->
          new AdminHttpException(AdminErrorType.VERSION_NOT_FOUND, "store " + name + " version "
              + version + " has no Helix resource " + resource + " (never pushed, or retired)"));
    } catch (IllegalArgumentException unknownServer) {
      throw AdminHttpException.badRequest("store " + name + ": cannot simulate: "
          + unknownServer.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("store", name);
    body.put("version", version);
    body.putAll(answer);
    return AdminResponse.ok(body);
  }

  /**
   * Starts a leader rebalance of every store above the threshold, one store version resource at
   * a time through {@link #rebalanceLeaders}; a dry run names them and changes nothing.
   */
  private AdminResponse rebalance(AdminRequest r) {
    boolean dryRun = r.query().bool("dryRun", false);
    JsonFields body = JsonFields.of(r, Set.of("threshold"));
    double threshold = threshold(body.has("threshold") ? body.node("threshold").asText() : null,
        "field threshold");
    Caller caller = AdminRoutes.caller(r);
    Map<String, Object> distribution = assignments.leaderDistribution(threshold);
    List<Map<String, Object>> rebalanced = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> perStore = (List<Map<String, Object>>) distribution.get("stores");
    for (Map<String, Object> store : perStore) {
      if (!Boolean.TRUE.equals(store.get("aboveThreshold"))) {
        continue;
      }
      String name = (String) store.get("store");
      List<String> started = new ArrayList<>();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", name);
      row.put("imbalance", store.get("imbalance"));
      try {
        for (String resource : assignments.resourcesOf(name)) {
          if (rebalanceLeaders(name, TopicNames.versionOf(resource), caller, dryRun) || dryRun) {
            started.add(resource);
          }
        }
      } catch (AdminHttpException refused) {
        // a veto or a store deleted meanwhile stops this store only: the others still go
        row.put("refused", refused.getMessage());
      }
      row.put("resources", started);
      rebalanced.add(row);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("dryRun", dryRun);
    answer.put("threshold", threshold);
    answer.put("imbalance", distribution.get("imbalance"));
    answer.put("stores", rebalanced);
    answer.put("windowSeconds", ReplicaAssignments.PREFERRED_LEADER_WINDOW.toSeconds());
    return AdminResponse.ok(answer);
  }

  /**
   * The leader rebalance of one store version, through the admin-mutation path (operation {@code
   * REBALANCE}, scope {@code LEADERS}) so plugins may veto it and the audit log records it with
   * {@code caller}.
   *
   * @return false when the version's resource was dropped meanwhile or this is a dry run
   */
  private boolean rebalanceLeaders(String store, int version, Caller caller, boolean dryRun) {
    String resource = TopicNames.versionTopic(store, version);
    return stores.rebalance(store, version, RebalanceScope.LEADERS, caller, dryRun, () -> {
      LOG.info("leader rebalance of store {} version {} requested by {}", store, version,
          caller.principal());
      return !assignments.preferLeaders(List.of(resource)).isEmpty();
    });
  }

  /** A threshold: a score of 0 or more; {@code null} is the default. */
  private static double threshold(String text, String what) {
    if (text == null) {
      return ReplicaAssignments.DEFAULT_THRESHOLD;
    }
    try {
      double value = Double.parseDouble(text);
      if (value >= 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw AdminHttpException.badRequest(what + ": expected an imbalance score of 0 or more"
        + " (standard deviation / mean, e.g. 0.25), got '" + JsonFields.abbreviate(text) + "'");
  }

  private static int positive(String text, String parameter, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw AdminHttpException.badRequest("query parameter " + parameter + ": expected a whole"
        + " number from 1 to " + max + ", got '" + JsonFields.abbreviate(text) + "'");
  }
}
