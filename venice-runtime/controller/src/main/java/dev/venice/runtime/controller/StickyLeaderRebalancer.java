package dev.venice.runtime.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.helix.controller.dataproviders.ResourceControllerDataProvider;
import org.apache.helix.controller.rebalancer.DelayedAutoRebalancer;
import org.apache.helix.controller.rebalancer.constraint.MonitoredAbnormalResolver;
import org.apache.helix.controller.stages.CurrentStateOutput;
import org.apache.helix.model.ClusterConfig;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.Partition;
import org.apache.helix.model.StateModelDefinition;

/**
 * Helix's FULL_AUTO rebalancer ({@link DelayedAutoRebalancer}, Helix's default for FULL_AUTO) with
 * one change: the replica holding a partition's top state (LEADER) keeps it while it is live,
 * enabled and still in the partition's preference list.
 *
 * <p>Why: Helix gives the top state to the first live instance of the preference list that is in
 * a secondary state. When a leader stalls past its ZooKeeper session, a standby takes over; when
 * the stalled instance comes back as a standby it is first in the list again, so Helix moved
 * leadership straight back: two handovers per stall, each one a fence, a catch-up of the version
 * topic and a pause of real-time copying. With this rebalancer the returning instance stays a
 * standby. The cost is balance: leaderships no longer drift back to their preferred instances by
 * themselves after failures (a deliberate rebalance is a leader-distribution tool's job).
 *
 * <p>A leader rebalance suspends the rule for a while: until the epoch milliseconds in the ideal
 * state's {@value #PREFERRED_LEADERS_UNTIL} field, each partition's leadership goes to the first
 * live instance of its preference list, as plain Helix would (see {@code
 * ReplicaAssignments#preferLeaders}); the rule then holds the leaders where they are.
 *
 * <p>Set per version resource with {@code IdealState.setRebalancerClassName}; Helix's controller
 * (the leader {@code VeniceController}) instantiates it by name.
 */
public final class StickyLeaderRebalancer extends DelayedAutoRebalancer {
  /** The ideal-state field that suspends stickiness until its epoch milliseconds (a rebalance). */
  static final String PREFERRED_LEADERS_UNTIL = "VENICE_PREFERRED_LEADERS_UNTIL";

  @Override
  protected Map<String, String> computeBestPossibleStateForPartition(Set<String> liveInstances,
      StateModelDefinition stateModelDef, List<String> preferenceList,
      CurrentStateOutput currentStateOutput, Set<String> disabledInstancesForPartition,
      IdealState idealState, ClusterConfig clusterConfig, Partition partition,
      MonitoredAbnormalResolver monitoredResolver, ResourceControllerDataProvider cache) {
    List<String> preferred = stickinessSuspended(idealState, System.currentTimeMillis())
        ? preferenceList
        : currentLeaderFirst(preferenceList, currentStateOutput.getCurrentStateMap(
            idealState.getResourceName(), partition), stateModelDef.getTopState(), liveInstances,
            disabledInstancesForPartition);
    return super.computeBestPossibleStateForPartition(liveInstances, stateModelDef, preferred,
        currentStateOutput, disabledInstancesForPartition, idealState, clusterConfig, partition,
        monitoredResolver, cache);
  }

  /**
   * Whether a leader rebalance is under way: the ideal state's {@value #PREFERRED_LEADERS_UNTIL}
   * is after {@code nowMs}. A missing or malformed field is no rebalance.
   */
  static boolean stickinessSuspended(IdealState idealState, long nowMs) {
    String until = idealState.getRecord().getSimpleField(PREFERRED_LEADERS_UNTIL);
    if (until == null) {
      return false;
    }
    try {
      return nowMs < Long.parseLong(until);
    } catch (NumberFormatException malformed) {
      return false;
    }
  }

  /**
   * {@code preferenceList} with the instance now in {@code topState} moved to the front, when it
   * is live, enabled and in the list; the list unchanged otherwise (or {@code null}, Helix's "drop
   * this partition").
   */
  static List<String> currentLeaderFirst(List<String> preferenceList,
      Map<String, String> currentStates, String topState, Set<String> liveInstances,
      Set<String> disabledInstances) {
    if (preferenceList == null || currentStates == null) {
      return preferenceList;
    }
    for (Map.Entry<String, String> replica : currentStates.entrySet()) {
      String instance = replica.getKey();
      if (topState.equals(replica.getValue()) && liveInstances.contains(instance)
          && !disabledInstances.contains(instance) && preferenceList.contains(instance)) {
        List<String> reordered = new ArrayList<>(preferenceList.size());
        reordered.add(instance);
        preferenceList.stream().filter(i -> !i.equals(instance)).forEach(reordered::add);
        return reordered;
      }
    }
    return preferenceList;
  }
}
