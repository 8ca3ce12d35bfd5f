package dev.venice.runtime.controller;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.metadata.ZkClusterView;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.spi.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The controller's configuration keys, with defaults and allowed values. */
public final class ControllerConfig {
  /** The cluster this controller manages (the Helix cluster name). */
  public static final ConfigKey<String> CLUSTER_NAME = ProcessKeys.CLUSTER_NAME;
  /** ZooKeeper connect string. */
  public static final ConfigKey<String> ZOOKEEPER_ADDRESS = ProcessKeys.ZOOKEEPER_ADDRESS;
  /** Kafka bootstrap servers. */
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      ProcessKeys.KAFKA_BOOTSTRAP_SERVERS;
  /** The host the admin API binds to and advertises. */
  public static final ConfigKey<String> HOST = ProcessKeys.HOST;
  /** The admin API port; 0 picks a free one. */
  public static final ConfigKey<Integer> ADMIN_PORT = ProcessKeys.ADMIN_PORT;
  /** The gRPC port, for plugins' gRPC services (grpc-health). */
  public static final ConfigKey<Integer> GRPC_PORT = ConfigKey.integer("grpc.port", 0, 0, 65535,
      "gRPC port for plugins' services such as grpc.health.v1 (0 picks a free port)");
  /** Where plugin directories live. */
  public static final ConfigKey<String> PLUGIN_DIR = ProcessKeys.PLUGIN_DIR;
  /** Replication factor of the Kafka topics the controller creates. */
  public static final ConfigKey<Integer> KAFKA_REPLICATION_FACTOR = ConfigKey.integer(
      "kafka.replication.factor", 1, 1, 16, "replication factor of version and real-time topics");
  /** How long a push may take before it is failed. */
  public static final ConfigKey<Duration> PUSH_TIMEOUT = ConfigKey.duration("push.timeout",
      Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofDays(7),
      "a push not online within this time is marked ERROR");
  /** How often the leader checks pushes in progress. */
  public static final ConfigKey<Duration> PUSH_MONITOR_INTERVAL = ConfigKey.duration(
      "push.monitor.interval", Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofMinutes(1),
      "how often the leader checks replica reports of pushes in progress");
  /** Partition count of a new store when the request names none. */
  public static final ConfigKey<Integer> DEFAULT_PARTITION_COUNT = ConfigKey.integer(
      "default.partition.count", 1, 1, 1024, "partition count of a store created without one");
  /** Replication factor of a new store when the request names none. */
  public static final ConfigKey<Integer> DEFAULT_REPLICATION_FACTOR = ConfigKey.integer(
      "default.replication.factor", 1, 1, 16, "replication factor of a store created without one");
  /** Versions kept per store when the request names no number. */
  public static final ConfigKey<Integer> DEFAULT_VERSIONS_TO_PRESERVE = ConfigKey.integer(
      "default.versions.to.preserve", 2, 1, 100, "online versions kept per store by default");

  /** The ZooKeeper session timeout of the Helix controller and the metadata client. */
  public static final ConfigKey<Duration> ZOOKEEPER_SESSION_TIMEOUT =
      ZooKeeperConnections.SESSION_TIMEOUT;
  /** Plugin-endpoint requests the cluster view sends at once. */
  public static final ConfigKey<Integer> CLUSTER_VIEW_MAX_PARALLEL_CALLS =
      ZkClusterView.MAX_PARALLEL_CALLS;
  /** How much smaller than the current version a push may be without {@code force}. */
  public static final ConfigKey<Double> PUSH_MAX_SHRINK_FRACTION = ConfigKey.decimal(
      "push.max.shrink.fraction", 0.5, 0.0, 1.0, "a push declaring more than this fraction fewer"
          + " records than the current version is refused unless forced (1.0 turns the check off)");

  /** Helix's rebalance delay: how long a server that left keeps its replicas. */
  public static final ConfigKey<Duration> HELIX_REBALANCE_DELAY = ConfigKey.duration(
      "helix.rebalance.delay", Duration.ZERO, Duration.ZERO, Duration.ofDays(7), "how long Helix"
          + " keeps the replicas of a server that left for it before placing them on the other"
          + " servers (Venice's delay.to.rebalance.ms; 0 places them at once; the"
          + " replication-repair plugin can place them earlier)");

  static final List<ConfigKey<?>> KEYS = ProcessKeys.withTls(CLUSTER_NAME, ZOOKEEPER_ADDRESS,
      KAFKA_BOOTSTRAP_SERVERS, HOST, ADMIN_PORT, GRPC_PORT, PLUGIN_DIR, KAFKA_REPLICATION_FACTOR,
      PUSH_TIMEOUT, PUSH_MONITOR_INTERVAL, PUSH_MAX_SHRINK_FRACTION, DEFAULT_PARTITION_COUNT,
      DEFAULT_REPLICATION_FACTOR, DEFAULT_VERSIONS_TO_PRESERVE, ZOOKEEPER_SESSION_TIMEOUT,
      CLUSTER_VIEW_MAX_PARALLEL_CALLS, HELIX_REBALANCE_DELAY);

  private ControllerConfig() {}

  /** Validates a controller configuration. */
  public static ProcessConfig parse(Map<String, String> raw) {
    return ProcessConfig.of("controller", KEYS,
        Set.of(CLUSTER_NAME, ZOOKEEPER_ADDRESS, KAFKA_BOOTSTRAP_SERVERS), raw);
  }
}
