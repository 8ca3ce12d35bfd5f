package dev.venice.runtime.controller;

import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.helix.AccessOption;
import org.apache.helix.BaseDataAccessor;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.PropertyKey;
import org.apache.helix.model.ClusterConfig;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.ResourceConfig;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the replicas and leaders of store versions are, read from Helix's external view (what the
 * servers report they are: LEADER, STANDBY, OFFLINE, ERROR per partition per instance), for the
 * {@code show-leader-distribution} (seed project 33) and {@code show-assignment} (seed project 16)
 * views, plus the one write the leader distribution needs: a leader rebalance.
 *
 * <p>Counts are taken over the cluster's live storage instances, a live server with nothing
 * counted as 0 (a restarted server that leads nothing is exactly the imbalance to see); instances
 * that are not live are listed but left out of the {@link Imbalance}. Every version resource Helix
 * hosts is counted (current, backup and future versions all have leaders doing work).
 *
 * <p>Reads go to ZooKeeper on every call (no cache): any controller can answer them. Thread-safe.
 */
final class ReplicaAssignments {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaAssignments.class);
  /** The stores whose leader imbalance score is above this are rebalanced by default. */
  static final double DEFAULT_THRESHOLD = 0.25;
  /**
   * How long a leader rebalance lets Helix move leaders to their preferred instances; long enough
   * for every handover (a fence and a catch-up each), after which stickiness holds them there.
   */
  static final Duration PREFERRED_LEADER_WINDOW = Duration.ofSeconds(60);
  private static final String LEADER = "LEADER";
  private static final String STANDBY = "STANDBY";
  private static final int WRITE_ATTEMPTS = 5;
  /** The ideal-state field {@code IdealState#setDelayRebalanceEnabled} writes. */
  private static final String DELAY_ENABLED =
      ResourceConfig.ResourceConfigProperty.DELAY_REBALANCE_ENABLED.name();
  /** Until when (epoch ms) a repaired resource ignores the cluster's rebalance delay. */
  static final String DELAY_OFF_UNTIL = "VENICE_REBALANCE_DELAY_OFF_UNTIL";

  private final String cluster;
  private final HelixDataAccessor helix;
  private final TimeSource time;

  ReplicaAssignments(String cluster, HelixDataAccessor helix, TimeSource time) {
    this.cluster = cluster;
    this.helix = helix;
    this.time = time;
  }

  /**
   * Leaders per server across every version resource, the cluster's imbalance, and per store its
   * leaders per server and imbalance, the stores above {@code threshold} flagged.
   *
   * <pre>
   * {"cluster", "threshold", "totalLeaders", "imbalance": {servers, mean, stddev, score},
   *  "servers": [{"instance", "live", "leaders", "followers"}],
   *  "stores": [{"store", "resources", "leaders": {instance: n}, "imbalance", "aboveThreshold"}],
   *  "storesAboveThreshold": [store]}
   * </pre>
   */
  Map<String, Object> leaderDistribution(double threshold) {
    Set<String> live = liveInstances();
    Map<String, int[]> perServer = serverTable(live); // instance -> {leaders, followers}
    Map<String, Map<String, Integer>> leadersByStore = new TreeMap<>();
    Map<String, List<String>> resourcesByStore = new TreeMap<>();
    for (ExternalView view : helix.<ExternalView>getChildValues(keys().externalViews(), true)) {
      String resource = view.getResourceName();
      Optional<String> store = storeOf(resource);
      if (store.isEmpty()) {
        continue;
      }
      resourcesByStore.computeIfAbsent(store.get(), s -> new ArrayList<>()).add(resource);
      Map<String, Integer> storeLeaders = leadersByStore.computeIfAbsent(store.get(),
          s -> zeroes(live));
      statesOf(view).values().forEach(replicas -> replicas.forEach((instance, state) -> {
        int[] counts = perServer.computeIfAbsent(instance, i -> new int[2]);
        if (LEADER.equals(state)) {
          counts[0]++;
          storeLeaders.merge(instance, 1, Integer::sum);
        } else if (STANDBY.equals(state)) {
          counts[1]++;
        }
      }));
    }
    List<Map<String, Object>> servers = new ArrayList<>();
    perServer.forEach((instance, counts) -> servers.add(row("instance", instance,
        "live", live.contains(instance), "leaders", counts[0], "followers", counts[1])));
    List<Map<String, Object>> stores = new ArrayList<>();
    List<String> above = new ArrayList<>();
    leadersByStore.forEach((store, leaders) -> {
      Imbalance imbalance = Imbalance.of(onLive(leaders, live));
      boolean isAbove = imbalance.score() > threshold;
      if (isAbove) {
        above.add(store);
      }
      stores.add(row("store", store, "resources", resourcesByStore.get(store),
          "leaders", leaders, "imbalance", imbalance, "aboveThreshold", isAbove));
    });
    Map<String, Integer> leaders = new TreeMap<>();
    perServer.forEach((instance, counts) -> leaders.put(instance, counts[0]));
    return row("cluster", cluster, "threshold", threshold,
        "totalLeaders", leaders.values().stream().mapToInt(Integer::intValue).sum(),
        "imbalance", Imbalance.of(onLive(leaders, live)), "servers", servers,
        "stores", stores, "storesAboveThreshold", above);
  }

  /**
   * One version resource's assignment from the external view, per server, and, with a {@code
   * change}, the assignment {@link AssignmentSimulation} predicts after it with the difference.
   *
   * <pre>
   * {"resource", "partitionCount", "replicationFactor", "current": ASSIGNMENT,
   *  "simulation": {"change", "addedServers", "removedServer", "rounds", "settled",
   *                 "predicted": ASSIGNMENT, "replicasMoved", "leadersMoved",
   *                 "movedPartitions": [{"partition", "before": {instance: state},
   *                                      "after": {instance: state}}]}}
   * ASSIGNMENT = {"servers": [{"instance", "live", "leaders": [p], "followers": [p],
   *                             "leaderCount", "followerCount", "replicaCount"}],
   *               "replicaImbalance", "leaderImbalance", "partitionsWithoutLeader": [p]}
   * </pre>
   *
   * @return empty when Helix has no such resource
   * @throws IllegalArgumentException when the server to remove is not an instance of the cluster
   */
  Optional<Map<String, Object>> assignment(String resource,
      Optional<AssignmentSimulation.Change> change) {
    PropertyKey idealStateKey = keys().idealStates(resource);
    IdealState idealState = helix.getProperty(idealStateKey);
    if (idealState == null) {
      return Optional.empty();
    }
    ExternalView view = helix.getProperty(keys().externalView(resource));
    Map<Integer, Map<String, String>> states = view == null ? Map.of() : statesOf(view);
    Set<String> live = liveInstances();
    Map<String, Object> body = row("resource", resource,
        "partitionCount", idealState.getNumPartitions(),
        "replicationFactor", idealState.getReplicas(),
        "current", assignmentOf(states, idealState.getNumPartitions(), live));
    if (change.isPresent()) {
      AssignmentSimulation.Prediction predicted = new AssignmentSimulation(cluster, helix)
          .predict(resource, change.get()).orElse(null);
      if (predicted == null) {
        return Optional.empty();
      }
      Set<String> liveAfter = new TreeSet<>(live);
      if (change.get().removeServer() != null) {
        liveAfter.remove(change.get().removeServer());
      }
      liveAfter.addAll(predicted.addedServers());
      List<Map<String, Object>> moved = new ArrayList<>();
      int replicasMoved = 0;
      int leadersMoved = 0;
      for (int p = 0; p < idealState.getNumPartitions(); p++) {
        Map<String, String> before = states.getOrDefault(p, Map.of());
        Map<String, String> after = predicted.states().getOrDefault(p, Map.of());
        Set<String> newReplicas = new TreeSet<>(servingReplicas(after));
        newReplicas.removeAll(servingReplicas(before));
        replicasMoved += newReplicas.size();
        boolean leaderMoved = !leaderOf(before).equals(leaderOf(after));
        leadersMoved += leaderMoved ? 1 : 0;
        if (!newReplicas.isEmpty() || leaderMoved) {
          moved.add(row("partition", p, "before", before, "after", after));
        }
      }
      body.put("simulation", row("change", change.get().describe(),
          "addedServers", predicted.addedServers(),
          "removedServer", change.get().removeServer(),
          "rounds", predicted.rounds(), "settled", predicted.settled(),
          "predicted", assignmentOf(predicted.states(), idealState.getNumPartitions(), liveAfter),
          "replicasMoved", replicasMoved, "leadersMoved", leadersMoved,
          "movedPartitions", moved));
    }
    return Optional.of(body);
  }

  /**
   * Starts a leader rebalance of version resources: for {@link #PREFERRED_LEADER_WINDOW} their
   * {@link StickyLeaderRebalancer} gives each partition's leadership to the first live instance of
   * its Helix preference list (the balanced placement Helix's rebalance strategy computes) instead
   * of keeping the current leader, and Helix moves the leaders there; afterwards stickiness keeps
   * them. Writes one simple field of each resource's ideal state, with ZooKeeper's conditional
   * version (a concurrent writer is retried, never overwritten); a resource dropped meanwhile is
   * skipped, not recreated.
   *
   * @return the resources whose ideal state now carries the window's end
   */
  List<String> preferLeaders(Collection<String> resources) {
    long until = time.now().plus(PREFERRED_LEADER_WINDOW).toEpochMilli();
    List<String> started = new ArrayList<>();
    for (String resource : resources) {
      if (updateIdealState(resource, record -> record.setSimpleField(
          StickyLeaderRebalancer.PREFERRED_LEADERS_UNTIL, Long.toString(until)))) {
        started.add(resource);
      }
    }
    LOG.info("cluster {}: leaders of {} move to their preferred instances until {}", cluster,
        started, until);
    return started;
  }

  /**
   * Starts a replica repair of one version resource: Helix places the replicas missing since a
   * server left on the live servers now, instead of waiting out the cluster's rebalance delay
   * ({@code helix.rebalance.delay}, Helix's {@code ClusterConfig} rebalance delay). A FULL_AUTO
   * resource is placed by Helix's controller alone; what holds a missing replica back is that delay
   * (Helix keeps an offline server's replicas for it while at least {@code minActiveReplicas} are
   * up), so the targeted rebalance turns the delay off for this resource (the ideal state's {@code
   * DELAY_REBALANCE_ENABLED}, the field {@code IdealState#setDelayRebalanceEnabled} writes), which
   * makes Helix's controller recompute its placement on the live servers at once.
   *
   * <p>Only for one delay's length: the ideal state also gets {@value #DELAY_OFF_UNTIL} (epoch
   * ms, now plus the cluster's delay), after which {@link #restoreRebalanceDelays} gives the
   * resource the cluster's delay back. Not earlier: a server offline since before the repair is
   * then past its own delay, so Helix does not hand its replicas back to it (which would undo the
   * repair); a later server loss again waits out the delay. One conditional write of the ideal
   * state (a concurrent writer is retried, never overwritten); a resource dropped meanwhile is
   * skipped.
   *
   * @return whether the resource's ideal state now asks for the immediate placement
   */
  boolean placeMissingReplicas(String resource) {
    ClusterConfig config = helix.getProperty(keys().clusterConfig());
    long until = time.now().toEpochMilli()
        + Math.max(0, config == null ? 0 : config.getRebalanceDelayTime());
    boolean started = updateIdealState(resource, record -> {
      record.setBooleanField(DELAY_ENABLED, false);
      record.setSimpleField(DELAY_OFF_UNTIL, Long.toString(until));
    });
    LOG.info("cluster {}: replicas of {} {}", cluster, resource, started
        ? "are placed on the live servers now (rebalance delay off until " + until + ")"
        : "not placed: no resource");
    return started;
  }

  /**
   * Gives the cluster's rebalance delay back to every resource whose {@link
   * #placeMissingReplicas} window has ended (removes both fields). The leader calls it
   * periodically; idempotent.
   *
   * @return the resources restored
   */
  List<String> restoreRebalanceDelays() {
    long now = time.now().toEpochMilli();
    List<String> restored = new ArrayList<>();
    for (IdealState idealState : helix.<IdealState>getChildValues(keys().idealStates(), true)) {
      String until = idealState.getRecord().getSimpleField(DELAY_OFF_UNTIL);
      if (until != null && !isFuture(until, now)
          && updateIdealState(idealState.getResourceName(), record -> {
            record.getSimpleFields().remove(DELAY_OFF_UNTIL);
            record.getSimpleFields().remove(DELAY_ENABLED);
          })) {
        restored.add(idealState.getResourceName());
      }
    }
    if (!restored.isEmpty()) {
      LOG.info("cluster {}: the rebalance delay applies again to {}", cluster, restored);
    }
    return restored;
  }

  /** Whether {@code epochMs} is after {@code now}; a malformed value is not (it is removed). */
  private static boolean isFuture(String epochMs, long now) {
    try {
      return Long.parseLong(epochMs) > now;
    } catch (NumberFormatException malformed) {
      return false;
    }
  }

  /**
   * Changes a resource's ideal state with ZooKeeper's conditional version, retrying a concurrent
   * change up to {@value #WRITE_ATTEMPTS} times.
   *
   * @return false when the resource has no ideal state (dropped) or every attempt lost a race
   */
  private boolean updateIdealState(String resource, Consumer<ZNRecord> change) {
    BaseDataAccessor<ZNRecord> store = helix.getBaseDataAccessor();
    String path = keys().idealStates(resource).getPath();
    for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      ZNRecord record = store.get(path, stat, AccessOption.PERSISTENT);
      if (record == null) {
        return false;
      }
      change.accept(record);
      if (store.set(path, record, stat.getVersion(), AccessOption.PERSISTENT)) {
        return true;
      }
      LOG.debug("ideal state of {} changed while writing it; attempt {}", resource, attempt);
    }
    return false;
  }

  /** The version resources of a store that Helix has an ideal state for, sorted. */
  List<String> resourcesOf(String store) {
    List<String> resources = new ArrayList<>();
    for (String resource : helix.getChildNames(keys().idealStates())) {
      if (storeOf(resource).filter(store::equals).isPresent()) {
        resources.add(resource);
      }
    }
    resources.sort(null);
    return resources;
  }

  /** The partition number of a Helix partition name {@code <resource>_<n>}, if it is one. */
  static Optional<Integer> partitionNumber(String resource, String partitionName) {
    String prefix = resource + "_";
    if (!partitionName.startsWith(prefix)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(partitionName.substring(prefix.length())));
    } catch (NumberFormatException notOurs) {
      return Optional.empty();
    }
  }

  private Map<String, Object> assignmentOf(Map<Integer, Map<String, String>> states,
      int partitionCount, Set<String> live) {
    Map<String, List<Integer>> leaders = new TreeMap<>();
    Map<String, List<Integer>> followers = new TreeMap<>();
    for (String instance : live) {
      leaders.put(instance, new ArrayList<>());
      followers.put(instance, new ArrayList<>());
    }
    List<Integer> leaderless = new ArrayList<>();
    for (int p = 0; p < partitionCount; p++) {
      Map<String, String> replicas = states.getOrDefault(p, Map.of());
      if (leaderOf(replicas).isEmpty()) {
        leaderless.add(p);
      }
      for (Map.Entry<String, String> replica : replicas.entrySet()) {
        leaders.computeIfAbsent(replica.getKey(), i -> new ArrayList<>());
        followers.computeIfAbsent(replica.getKey(), i -> new ArrayList<>());
        if (LEADER.equals(replica.getValue())) {
          leaders.get(replica.getKey()).add(p);
        } else if (STANDBY.equals(replica.getValue())) {
          followers.get(replica.getKey()).add(p);
        }
      }
    }
    List<Map<String, Object>> servers = new ArrayList<>();
    Map<String, Integer> leaderCounts = new TreeMap<>();
    Map<String, Integer> replicaCounts = new TreeMap<>();
    leaders.forEach((instance, led) -> {
      int followed = followers.get(instance).size();
      servers.add(row("instance", instance, "live", live.contains(instance), "leaders", led,
          "followers", followers.get(instance), "leaderCount", led.size(),
          "followerCount", followed, "replicaCount", led.size() + followed));
      leaderCounts.put(instance, led.size());
      replicaCounts.put(instance, led.size() + followed);
    });
    return row("servers", servers,
        "replicaImbalance", Imbalance.of(onLive(replicaCounts, live)),
        "leaderImbalance", Imbalance.of(onLive(leaderCounts, live)),
        "partitionsWithoutLeader", leaderless);
  }

  private static Set<String> servingReplicas(Map<String, String> replicas) {
    Set<String> serving = new TreeSet<>();
    replicas.forEach((instance, state) -> {
      if (LEADER.equals(state) || STANDBY.equals(state)) {
        serving.add(instance);
      }
    });
    return serving;
  }

  private static String leaderOf(Map<String, String> replicas) {
    return replicas.entrySet().stream().filter(e -> LEADER.equals(e.getValue()))
        .map(Map.Entry::getKey).findFirst().orElse("");
  }

  private Set<String> liveInstances() {
    return new TreeSet<>(helix.getChildNames(keys().liveInstances()));
  }

  /** Every instance of the cluster (live or not), as {leaders, followers} = {0, 0}. */
  private Map<String, int[]> serverTable(Set<String> live) {
    Map<String, int[]> table = new TreeMap<>();
    for (String instance : helix.getChildNames(keys().instanceConfigs())) {
      table.put(instance, new int[2]);
    }
    live.forEach(instance -> table.putIfAbsent(instance, new int[2]));
    return table;
  }

  private static Map<String, Integer> zeroes(Set<String> instances) {
    Map<String, Integer> counts = new TreeMap<>();
    instances.forEach(i -> counts.put(i, 0));
    return counts;
  }

  private static List<Integer> onLive(Map<String, Integer> counts, Set<String> live) {
    return live.stream().map(i -> counts.getOrDefault(i, 0)).toList();
  }

  private static Map<Integer, Map<String, String>> statesOf(ExternalView view) {
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    for (String partitionName : view.getPartitionSet()) {
      Map<String, String> replicas = view.getStateMap(partitionName);
      if (replicas != null && !replicas.isEmpty()) {
        partitionNumber(view.getResourceName(), partitionName).ifPresent(p ->
            states.put(p, new TreeMap<>(replicas)));
      }
    }
    return states;
  }

  private static Optional<String> storeOf(String resource) {
    try {
      return Optional.of(TopicNames.storeOf(resource));
    } catch (IllegalArgumentException notAVersion) {
      return Optional.empty();
    }
  }

  private PropertyKey.Builder keys() {
    return helix.keyBuilder();
  }

  /** An insertion-ordered JSON object from name, value pairs (values may be null). */
  private static Map<String, Object> row(Object... namesAndValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      row.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return row;
  }
}
