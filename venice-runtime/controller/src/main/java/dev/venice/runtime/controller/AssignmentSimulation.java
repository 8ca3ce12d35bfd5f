package dev.venice.runtime.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.helix.HelixDefinedState;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.controller.dataproviders.ResourceControllerDataProvider;
import org.apache.helix.controller.stages.CurrentStateOutput;
import org.apache.helix.model.CurrentState;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.LiveInstance;
import org.apache.helix.model.Partition;
import org.apache.helix.model.Resource;
import org.apache.helix.model.ResourceAssignment;

/**
 * Predicts where a version resource's replicas and leaders end up after a topology change (servers
 * added, or one removed for good) by running, offline, the very computation the leader
 * controller's Helix pipeline runs for it: {@link StickyLeaderRebalancer} ({@code
 * DelayedAutoRebalancer}'s preference lists from the resource's Helix rebalance strategy, then the
 * best possible state per partition with the sticky-leader rule), not a re-implementation.
 *
 * <p>How: the cluster's data (instance configs, live instances, current states, ideal states,
 * cluster config) is read once from ZooKeeper into a Helix {@link ResourceControllerDataProvider},
 * the same cache Helix's controller reads; the instance set is then changed in memory only (a
 * simulated server is an enabled instance config and a live instance named {@code
 * simulated-<n>_0}; a removed server loses its config, its liveness and its replicas). Nothing is
 * written to ZooKeeper. The computation is repeated as Helix repeats it while transitions complete:
 * each round takes the previous round's best possible states as the current states (a DROPPED
 * replica gone) until they no longer change (at most {@value #MAX_ROUNDS} rounds), so the result is
 * the assignment the cluster settles on, not Helix's first step.
 *
 * <p>Limits: a delayed rebalance (Helix's {@code DELAY_REBALANCE_TIME}, not used by Venice's
 * controller) is simulated as if it had expired; throttling only slows the real cluster down, it
 * does not change where it ends. Each call refreshes a cache of the whole cluster: one ZooKeeper
 * read per znode. Not thread-safe per instance; create one per question.
 */
final class AssignmentSimulation {
  /** The most rounds of rebalance-then-apply run before the prediction is taken as it is. */
  static final int MAX_ROUNDS = 10;
  private static final String SIMULATED_PREFIX = "simulated-";

  /**
   * A topology change to simulate.
   *
   * @param addServers how many new, empty servers join (0 or more)
   * @param removeServer the instance id of a server that leaves for good, or {@code null}
   */
  record Change(int addServers, String removeServer) {
    String describe() {
      List<String> parts = new ArrayList<>();
      if (addServers > 0) {
        parts.add("add " + addServers + " server(s)");
      }
      if (removeServer != null) {
        parts.add("remove server " + removeServer);
      }
      return String.join(" and ", parts);
    }
  }

  /**
   * The predicted assignment.
   *
   * @param states partition number to instance id to state, after the change has settled
   * @param addedServers the instance ids given to the simulated servers
   * @param rounds how many rounds of the rebalancer ran
   * @param settled whether the last round changed nothing (false: {@link #MAX_ROUNDS} reached)
   */
  record Prediction(Map<Integer, Map<String, String>> states, List<String> addedServers,
      int rounds, boolean settled) {}

  private final String cluster;
  private final HelixDataAccessor helix;

  AssignmentSimulation(String cluster, HelixDataAccessor helix) {
    this.cluster = cluster;
    this.helix = helix;
  }

  /**
   * Runs the simulation for one version resource.
   *
   * @return empty when the resource has no ideal state (not created, or dropped)
   * @throws IllegalArgumentException when {@code change.removeServer()} is not an instance of the
   *     cluster
   */
  Optional<Prediction> predict(String resourceName, Change change) {
    ResourceControllerDataProvider cache = new ResourceControllerDataProvider(cluster);
    cache.refresh(helix);
    IdealState idealState = cache.getIdealState(resourceName);
    if (idealState == null) {
      return Optional.empty();
    }
    Map<String, InstanceConfig> configs = new TreeMap<>(cache.getInstanceConfigMap());
    Map<String, LiveInstance> live = new TreeMap<>(cache.getLiveInstances());
    if (change.removeServer() != null) {
      if (configs.remove(change.removeServer()) == null) {
        throw new IllegalArgumentException("server " + change.removeServer()
            + " is not an instance of cluster " + cluster + "; instances: " + configs.keySet());
      }
      live.remove(change.removeServer());
    }
    Map<Integer, Map<String, String>> states = currentStates(cache, live, resourceName);
    List<String> added = new ArrayList<>();
    for (int i = 1; i <= change.addServers(); i++) {
      String id = SIMULATED_PREFIX + i + "_0";
      InstanceConfig config = new InstanceConfig(id);
      config.setHostName(SIMULATED_PREFIX + i);
      config.setPort("0");
      config.setInstanceEnabled(true);
      configs.put(id, config);
      LiveInstance instance = new LiveInstance(id);
      instance.setSessionId(SIMULATED_PREFIX + "session-" + i);
      live.put(id, instance);
      added.add(id);
    }
    cache.setInstanceConfigMap(configs);
    cache.setLiveInstances(new ArrayList<>(live.values()));

    Resource resource = new Resource(resourceName);
    resource.setStateModelDefRef(idealState.getStateModelDefRef());
    idealState.getPartitionSet().forEach(resource::addPartition);
    StickyLeaderRebalancer rebalancer = new StickyLeaderRebalancer();
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      CurrentStateOutput current = asCurrentStates(resourceName, idealState, states);
      IdealState target = rebalancer.computeNewIdealState(resourceName, idealState, current,
          cache);
      ResourceAssignment best = rebalancer.computeBestPossiblePartitionState(cache, target,
          resource, current);
      Map<Integer, Map<String, String>> next = settledStates(resourceName, best);
      if (next.equals(states)) {
        return Optional.of(new Prediction(next, added, round, true));
      }
      states = next;
    }
    return Optional.of(new Prediction(states, added, MAX_ROUNDS, false));
  }

  /** The current states of the live instances' replicas of the resource. */
  private static Map<Integer, Map<String, String>> currentStates(
      ResourceControllerDataProvider cache, Map<String, LiveInstance> live, String resourceName) {
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    for (LiveInstance instance : live.values()) {
      CurrentState state = cache.getCurrentState(instance.getInstanceName(),
          instance.getEphemeralOwner()).get(resourceName);
      if (state == null) {
        continue;
      }
      state.getPartitionStateMap().forEach((partitionName, replicaState) ->
          ReplicaAssignments.partitionNumber(resourceName, partitionName).ifPresent(p ->
              states.computeIfAbsent(p, k -> new TreeMap<>())
                  .put(instance.getInstanceName(), replicaState)));
    }
    return states;
  }

  private static CurrentStateOutput asCurrentStates(String resourceName, IdealState idealState,
      Map<Integer, Map<String, String>> states) {
    CurrentStateOutput output = new CurrentStateOutput();
    output.setResourceStateModelDef(resourceName, idealState.getStateModelDefRef());
    states.forEach((partition, replicas) -> replicas.forEach((instance, state) ->
        output.setCurrentState(resourceName, new Partition(resourceName + "_" + partition),
            instance, state)));
    return output;
  }

  /** The best possible states as current states once applied: a dropped replica is gone. */
  private static Map<Integer, Map<String, String>> settledStates(String resourceName,
      ResourceAssignment best) {
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    for (Partition partition : best.getMappedPartitions()) {
      ReplicaAssignments.partitionNumber(resourceName, partition.getPartitionName())
          .ifPresent(p -> best.getReplicaMap(partition).forEach((instance, state) -> {
            if (!HelixDefinedState.DROPPED.name().equals(state)) {
              states.computeIfAbsent(p, k -> new TreeMap<>()).put(instance, state);
            }
          }));
    }
    return states;
  }
}
