package dev.venice.runtime.router;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.metadata.ZkClusterView;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.spi.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The router's configuration keys. */
public final class RouterConfig {
  /** The cluster it routes for. */
  public static final ConfigKey<String> CLUSTER_NAME = ProcessKeys.CLUSTER_NAME;
  /** ZooKeeper connect string. */
  public static final ConfigKey<String> ZOOKEEPER_ADDRESS = ProcessKeys.ZOOKEEPER_ADDRESS;
  /** The host it binds to. */
  public static final ConfigKey<String> HOST = ProcessKeys.HOST;
  /** The gRPC port thin clients connect to. */
  public static final ConfigKey<Integer> GRPC_PORT =
      ConfigKey.integer("grpc.port", 0, 0, 65535, "gRPC port for thin clients (0 picks one)");
  /** The admin HTTP port (metrics, routing metadata). */
  public static final ConfigKey<Integer> ADMIN_PORT = ProcessKeys.ADMIN_PORT;
  /** Where plugin directories live. */
  public static final ConfigKey<String> PLUGIN_DIR = ProcessKeys.PLUGIN_DIR;
  /** The ZooKeeper session timeout of the Helix spectator and the metadata client. */
  public static final ConfigKey<Duration> ZOOKEEPER_SESSION_TIMEOUT =
      ZooKeeperConnections.SESSION_TIMEOUT;
  /** Plugin-endpoint requests the cluster view sends at once. */
  public static final ConfigKey<Integer> CLUSTER_VIEW_MAX_PARALLEL_CALLS =
      ZkClusterView.MAX_PARALLEL_CALLS;

  /**
   * The cluster's Kafka, optional: a router reads no topic, but plugins that write events (the
   * audit log of denied reads) get it as {@code bootstrap.servers}.
   */
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      ProcessKeys.KAFKA_BOOTSTRAP_SERVERS;

  static final List<ConfigKey<?>> KEYS = ProcessKeys.withTls(CLUSTER_NAME, ZOOKEEPER_ADDRESS,
      KAFKA_BOOTSTRAP_SERVERS, HOST, GRPC_PORT, ADMIN_PORT, PLUGIN_DIR, ZOOKEEPER_SESSION_TIMEOUT,
      CLUSTER_VIEW_MAX_PARALLEL_CALLS);

  private RouterConfig() {}

  /** Validates a router configuration. */
  public static ProcessConfig parse(Map<String, String> raw) {
    return ProcessConfig.of("router", KEYS, Set.of(CLUSTER_NAME, ZOOKEEPER_ADDRESS), raw);
  }
}
