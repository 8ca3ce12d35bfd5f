package dev.venice.runtime.metadata;

import dev.venice.spi.config.ConfigKey;
import java.time.Duration;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.SystemPropertyKeys;
import org.apache.helix.manager.zk.ZKHelixManager;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.serialize.BytesPushThroughSerializer;

/**
 * The ZooKeeper sessions of a Venice process, all with the session timeout its configuration names
 * ({@link #SESSION_TIMEOUT}): the Helix manager (participant, spectator or controller) and the
 * client that reads and writes Venice's own metadata. A process that stalls longer than this
 * loses its sessions: Helix moves its leaderships and, when it comes back, resets its replicas.
 *
 * <p>ZooKeeper bounds the timeout it grants to 2 to 20 of its ticks ({@code tickTime}, 2 s by
 * default, so 4 s to 40 s); a value outside is rounded into that range by the server.
 */
public final class ZooKeeperConnections {
  /** {@code zookeeper.session.timeout}: how long a silent process keeps its sessions. */
  public static final ConfigKey<Duration> SESSION_TIMEOUT = ConfigKey.duration(
      "zookeeper.session.timeout", Duration.ofSeconds(30), Duration.ofSeconds(1),
      Duration.ofMinutes(10), "ZooKeeper session timeout of the Helix manager and the metadata"
          + " client; a process silent longer than this loses its leaderships");
  private static final int CONNECTION_TIMEOUT_MS = 15_000;

  private ZooKeeperConnections() {}

  /** A ZooKeeper client for Venice's metadata (raw bytes), connected. */
  public static ZkClient metadataClient(String zkAddress, Duration sessionTimeout) {
    return new ZkClient(zkAddress, (int) sessionTimeout.toMillis(), CONNECTION_TIMEOUT_MS,
        new BytesPushThroughSerializer());
  }

  /**
   * A Helix manager of {@code type} with the session timeout, not yet connected.
   *
   * <p>Helix 1.4 takes a participant's session timeout only from the system property {@code
   * zk.session.timeout}, read once when the manager is built (its connection-config route is for
   * multi-realm deployments and refuses a ZooKeeper address). So the property is set for the
   * construction alone, under a lock, and put back: processes in one JVM (a local cluster) can each
   * have their own timeout.
   */
  public static HelixManager helixManager(String cluster, String instanceName, InstanceType type,
      String zkAddress, Duration sessionTimeout) {
    synchronized (ZooKeeperConnections.class) {
      String previous = System.getProperty(SystemPropertyKeys.ZK_SESSION_TIMEOUT);
      System.setProperty(SystemPropertyKeys.ZK_SESSION_TIMEOUT,
          Long.toString(sessionTimeout.toMillis()));
      try {
        return new ZKHelixManager(cluster, instanceName, type, zkAddress);
      } finally {
        if (previous == null) {
          System.clearProperty(SystemPropertyKeys.ZK_SESSION_TIMEOUT);
        } else {
          System.setProperty(SystemPropertyKeys.ZK_SESSION_TIMEOUT, previous);
        }
      }
    }
  }
}
