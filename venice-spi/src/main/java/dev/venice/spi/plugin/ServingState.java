package dev.venice.spi.plugin;

import dev.venice.spi.Experimental;

/**
 * Where a process is in its serving life, as its host's state machine publishes it ({@link
 * dev.venice.spi.host.ServingLifecycle}). States only move forward, in this order, except that a
 * process may stop from any state (a failed start goes straight to {@link #STOPPING}):
 *
 * <pre>STARTING → READY → DRAINING → STOPPING</pre>
 *
 * <p>Liveness (is the process worth keeping?) is every state but {@link #STOPPING}; readiness
 * (should work be sent to it?) is {@link #READY} only.
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public enum ServingState {
  /**
   * Up and answering on its ports, not ready for work yet: a server bootstrapping its replicas
   * (none has caught up), a router loading its routing tables, a controller connecting.
   */
  STARTING,
  /**
   * Ready for work: a server with at least one replica caught up (or with no store in its
   * cluster), a router with its routing tables loaded, a controller connected (leader or standby).
   */
  READY,
  /**
   * About to stop: no longer routed to (a server has withdrawn from routing), still finishing the
   * work in flight and answering what still arrives.
   */
  DRAINING,
  /** Stopping: the process closes its ports and parts; nothing new is served. */
  STOPPING;

  /** Whether a liveness probe should pass: every state but {@link #STOPPING}. */
  public boolean isLive() {
    return this != STOPPING;
  }

  /** Whether a readiness probe should pass: {@link #READY} only. */
  public boolean isReady() {
    return this == READY;
  }
}
