package dev.venice.plugins.leadershiphistory;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One gain or loss of the cluster's controller leadership, as kept in ZooKeeper.
 *
 * @param type {@code ACQUIRED} or {@code LOST}
 * @param instanceId the controller ({@code host_adminPort})
 * @param termZxid ZooKeeper's transaction id that created the term's leader znode: the order of
 *     terms across controllers, by ZooKeeper rather than by any host's clock
 * @param termStartMs when ZooKeeper created that znode (ms since the epoch, ZooKeeper's clock)
 * @param observedAtMs when the event was noticed (ms since the epoch, by the recording
 *     controller's clock: approximate across hosts)
 * @param durationMs for a loss, how long the term lasted (ms; by one clock: the controller's own,
 *     or ZooKeeper's for an inferred loss); -1 when unknown or for a gain
 * @param inferred true for a loss the controller could not record itself (it crashed or lost its
 *     ZooKeeper session): its successor recorded it when it gained the leadership
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
record LeadershipEvent(String type, String instanceId, long termZxid, long termStartMs,
    long observedAtMs, long durationMs, boolean inferred) {
  static final String ACQUIRED = "ACQUIRED";
  static final String LOST = "LOST";

  boolean acquired() {
    return ACQUIRED.equals(type);
  }

  /** Whether {@code other} is the same event of the same term (a repeat to drop). */
  boolean sameAs(LeadershipEvent other) {
    return type.equals(other.type) && instanceId.equals(other.instanceId)
        && termZxid == other.termZxid;
  }
}
