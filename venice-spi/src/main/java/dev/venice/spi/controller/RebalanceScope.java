package dev.venice.spi.controller;

import dev.venice.spi.Experimental;

/** What a rebalance of a store version's Helix resource may move. */
@Experimental(since = "1.6.0")
public enum RebalanceScope {
  /**
   * Replicas: Helix recomputes the resource's assignment now, placing missing replicas on live
   * servers (what a replication-factor repair asks for); leaders stay where they are when they can.
   */
  REPLICAS,
  /**
   * Leaders: the assignment is recomputed without keeping leaders in place, so they spread evenly
   * over the replicas' servers (Helix moves each through a STANDBY step; a partition keeps serving
   * reads from its standbys meanwhile).
   */
  LEADERS
}
