package dev.venice.runtime.common.process;

import dev.venice.spi.host.ClusterMember;

/**
 * Where a process announces itself to the rest of the cluster (the cluster view's registry in
 * ZooKeeper), so {@link ProcessHost} can announce it last on start and withdraw it first on stop.
 */
public interface Membership {
  /** Announces {@code self}; other processes can call it from now on. */
  void register(ClusterMember self);

  /** Withdraws the announcement; does nothing when there is none. */
  void deregister();
}
