package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import dev.venice.spi.host.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a controller offers its plugins beyond the admin-mutation hook: the cluster leadership
 * and a place in ZooKeeper for the plugin's own state. One instance per plugin (its state store is
 * the plugin's own), from {@link dev.venice.spi.plugin.PluginContext#controller()} on a
 * controller; absent on other processes.
 *
 * <p>Leadership is Helix's controller election (Venice elects its leader controller the same way):
 * exactly one controller of a cluster is the leader at a time, as far as ZooKeeper can tell; a
 * background task that changes anything (a retention fix, a rebalance) runs on the leader only
 * and checks {@link #isLeader()} before each action, because leadership can move between two
 * actions. Thread-safe.
 */
@Experimental(since = "1.6.0")
public interface ControllerHost {
  /**
   * Whether this controller is the leader right now (connected to ZooKeeper and elected). Cheap:
   * no ZooKeeper call.
   */
  boolean isLeader();

  /** The leader controller's instance id ({@code host_adminPort}), if one is elected. */
  Optional<String> leaderInstanceId();

  /**
   * Tells {@code listener} of every gain and loss of leadership by this controller, in order, on a
   * thread of the host's own (never Helix's election thread: a slow listener delays other
   * listeners, never the election). When this controller already leads, the listener first hears
   * a gain. A listener that throws is logged and keeps its registration.
   *
   * @return a registration whose {@code close()} stops the calls
   */
  Subscription onLeadershipChange(Consumer<LeadershipChange> listener);

  /** This plugin's state in ZooKeeper (see {@link PluginStateStore}). */
  PluginStateStore stateStore();

  /**
   * A store's versions as the controller's metadata holds them now (read from ZooKeeper, so a
   * version another controller just created is there), lowest number first; empty when there is
   * no such store. The current version is {@link dev.venice.spi.host.StoreInfo#currentVersion()}.
   *
   * @throws UnsupportedOperationException on a host older than 1.7.0
   * @since 1.7.0
   */
  @Experimental(since = "1.7.0")
  default List<StoreVersion> versions(String store) {
    throw new UnsupportedOperationException("this controller host predates SPI 1.7.0: no versions");
  }

  /**
   * The changes this plugin may make in its own name, through the admin-mutation path (see
   * {@link AdminActions}).
   *
   * @throws UnsupportedOperationException on a host older than 1.7.0
   * @since 1.7.0
   */
  @Experimental(since = "1.7.0")
  default AdminActions adminActions() {
    throw new UnsupportedOperationException("this controller host predates SPI 1.7.0: no admin"
        + " actions");
  }
}
