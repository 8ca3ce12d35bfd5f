package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.time.Instant;
import java.util.Objects;

/**
 * A gain or loss of the cluster's leadership by this controller.
 *
 * @param leader {@code true} for a gain, {@code false} for a loss
 * @param instanceId this controller's instance id ({@code host_adminPort})
 * @param termZxid the ZooKeeper transaction id (czxid) that created Helix's leader znode of the
 *     term gained or lost: it orders terms across controllers without trusting any host's clock;
 *     {@code -1} when ZooKeeper could not be read (a loss after the session expired reports the
 *     term's id noted at the gain)
 * @param termStartMs when ZooKeeper created that znode, ms since the epoch by ZooKeeper's clock;
 *     {@code -1} when unknown
 * @param observedAt when this controller noticed the change, by its own clock (for durations)
 */
@Experimental(since = "1.6.0")
public record LeadershipChange(boolean leader, String instanceId, long termZxid, long termStartMs,
    Instant observedAt) {
  /** Validates. */
  public LeadershipChange {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(observedAt, "observedAt");
  }
}
