package dev.venice.runtime.controller;

import dev.venice.runtime.metadata.ZooKeeperConnections;
import java.time.Duration;
import java.util.Optional;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.model.LiveInstance;

/**
 * Controller leadership through Helix: every controller joins the cluster as a Helix controller;
 * Helix elects one leader (which also runs Helix's rebalancer for the storage partitions) and, when
 * it goes away, another. The instance name is {@code host_port} of the controller's admin API, so
 * a standby can tell a caller where the leader is.
 */
final class LeaderElection implements AutoCloseable {
  private final HelixManager manager;
  private final String scheme;

  /** @param scheme {@code http} or {@code https}: the cluster's controllers all speak the same */
  LeaderElection(String cluster, String zkAddress, Duration sessionTimeout, String host,
      int adminPort, String scheme) throws Exception {
    this.scheme = scheme;
    this.manager = ZooKeeperConnections.helixManager(cluster, instanceName(host, adminPort),
        InstanceType.CONTROLLER, zkAddress, sessionTimeout);
    manager.connect();
  }

  static String instanceName(String host, int port) {
    return host + "_" + port;
  }

  boolean isLeader() {
    return manager.isConnected() && manager.isLeader();
  }

  /** The Helix controller manager, for listeners of the election (connected). */
  HelixManager helixManager() {
    return manager;
  }

  String instanceName() {
    return manager.getInstanceName();
  }

  /** The leader's admin URL, if a leader is elected. */
  Optional<String> leaderUrl() {
    LiveInstance leader = manager.getHelixDataAccessor()
        .getProperty(manager.getHelixDataAccessor().keyBuilder().controllerLeader());
    if (leader == null) {
      return Optional.empty();
    }
    String name = leader.getInstanceName();
    int split = name.lastIndexOf('_');
    return Optional.of(scheme + "://" + name.substring(0, split) + ":" + name.substring(split + 1));
  }

  @Override
  public void close() {
    manager.disconnect();
  }
}
