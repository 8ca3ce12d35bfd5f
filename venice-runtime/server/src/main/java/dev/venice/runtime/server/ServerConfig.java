package dev.venice.runtime.server;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.metadata.ZkClusterView;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.spi.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The storage server's configuration keys. */
public final class ServerConfig {
  /** The cluster to join. */
  public static final ConfigKey<String> CLUSTER_NAME = ProcessKeys.CLUSTER_NAME;
  /** ZooKeeper connect string. */
  public static final ConfigKey<String> ZOOKEEPER_ADDRESS = ProcessKeys.ZOOKEEPER_ADDRESS;
  /** Kafka bootstrap servers. */
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      ProcessKeys.KAFKA_BOOTSTRAP_SERVERS;
  /** Where partitions are stored. */
  public static final ConfigKey<String> DATA_DIR =
      ConfigKey.string("data.dir", null, "directory holding one RocksDB per partition replica");
  /** The host the server binds to and advertises. */
  public static final ConfigKey<String> HOST = ProcessKeys.HOST;
  /** The gRPC read port; part of the instance id {@code host_port}. */
  public static final ConfigKey<Integer> GRPC_PORT =
      ConfigKey.integer("grpc.port", 0, 0, 65535, "gRPC read port (0 picks a free port)");
  /** The admin HTTP port. */
  public static final ConfigKey<Integer> ADMIN_PORT = ProcessKeys.ADMIN_PORT;
  /** Where plugin directories live. */
  public static final ConfigKey<String> PLUGIN_DIR = ProcessKeys.PLUGIN_DIR;
  /** The ZooKeeper session timeout of the Helix participant and the metadata client. */
  public static final ConfigKey<Duration> ZOOKEEPER_SESSION_TIMEOUT =
      ZooKeeperConnections.SESSION_TIMEOUT;
  /** Plugin-endpoint requests the cluster view sends at once. */
  public static final ConfigKey<Integer> CLUSTER_VIEW_MAX_PARALLEL_CALLS =
      ZkClusterView.MAX_PARALLEL_CALLS;

  /**
   * How long after joining a server that Helix has assigned no replica becomes READY anyway
   * (nothing to catch up: more servers than replicas, or only failed versions).
   */
  public static final ConfigKey<Duration> READINESS_UNASSIGNED_TIMEOUT = ConfigKey.duration(
      "readiness.unassigned.timeout", Duration.ofSeconds(30), Duration.ofMillis(100),
      Duration.ofHours(1), "a server assigned no replica this long after joining is READY");

  /**
   * Whether every partition replica keeps RocksDB's {@code Statistics} tickers (compaction and
   * flush bytes, block cache hits and misses), which plugins read through the storage-stats
   * service; off by default because RocksDB's statistics cost CPU on every read and write (measured
   * in {@code benchmarks/}).
   */
  public static final ConfigKey<Boolean> STORAGE_STATISTICS_ENABLED = ConfigKey.bool(
      "storage.statistics.enabled", false,
      "keep RocksDB's statistics tickers for every partition replica (costs CPU)");

  /**
   * How long a hybrid leader waits for a real-time put's value schema id to become known (a schema
   * registered moments ago may not have reached this server yet) before the put is a dead letter
   * ({@code unknown-schema}); meanwhile the partition's copying waits, nothing is skipped.
   */
  public static final ConfigKey<Duration> INGESTION_UNKNOWN_SCHEMA_WAIT = ConfigKey.duration(
      "ingestion.unknown.schema.wait", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1),
      "how long a leader waits for an unknown value schema id before dead-lettering the put");

  /**
   * How long a partition replica retries a failing storage write (with backoff from 50 ms to 5 s)
   * before the replica fails (ERROR, taken out of service, so Helix moves it); meanwhile its
   * ingestion waits, nothing is skipped. {@code 0}: fail at the first error.
   */
  public static final ConfigKey<Duration> INGESTION_STORAGE_RETRY_TIMEOUT = ConfigKey.duration(
      "ingestion.storage.retry.timeout", Duration.ofSeconds(60), Duration.ZERO,
      Duration.ofHours(1), "how long a replica retries a failing storage write before it fails");

  static final List<ConfigKey<?>> KEYS = ProcessKeys.withTls(CLUSTER_NAME, ZOOKEEPER_ADDRESS,
      KAFKA_BOOTSTRAP_SERVERS, DATA_DIR, HOST, GRPC_PORT, ADMIN_PORT, PLUGIN_DIR,
      ZOOKEEPER_SESSION_TIMEOUT, CLUSTER_VIEW_MAX_PARALLEL_CALLS, READINESS_UNASSIGNED_TIMEOUT,
      STORAGE_STATISTICS_ENABLED, INGESTION_UNKNOWN_SCHEMA_WAIT, INGESTION_STORAGE_RETRY_TIMEOUT);

  private ServerConfig() {}

  /** Validates a server configuration. */
  public static ProcessConfig parse(Map<String, String> raw) {
    return ProcessConfig.of("server", KEYS,
        Set.of(CLUSTER_NAME, ZOOKEEPER_ADDRESS, KAFKA_BOOTSTRAP_SERVERS, DATA_DIR), raw);
  }
}
