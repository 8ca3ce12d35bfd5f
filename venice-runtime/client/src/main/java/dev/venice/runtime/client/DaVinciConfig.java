package dev.venice.runtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.controller.ControllerClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link DaVinciClient} reaches its cluster and where it keeps its local copy (Venice's
 * {@code DaVinciConfig} together with the backend settings it takes). Immutable; build one with
 * {@link #builder}.
 *
 * <pre>{@code
 * DaVinciConfig config = DaVinciConfig.builder("127.0.0.1:2181", "venice-cluster",
 *         "127.0.0.1:9092", Path.of("/var/lib/my-app/davinci"))
 *     .pluginConfig(Map.of("plugins.dvc-bootstrap-checkpoint.enabled", "true"))
 *     .build();
 * }</pre>
 *
 * @param zookeeperAddress the cluster's ZooKeeper connect string (store metadata is read there)
 * @param clusterName the cluster's name
 * @param kafkaBootstrapServers the cluster's Kafka bootstrap servers (the version topics)
 * @param dataPath the directory of the local copy; one client uses a directory at a time (a lock
 *     file, {@code davinci.lock}, enforces it, also across processes)
 * @param pluginConfig {@code plugins.<id>.enabled} and {@code plugins.<id>.<key>} of the Da Vinci
 *     plugins found on the class path
 * @param zookeeperSessionTimeout ZooKeeper's session timeout
 * @param blockCacheBytes the capacity of the RocksDB block cache every local partition shares, in
 *     bytes (Venice's {@code rocksdb.block.cache.size.in.bytes}); positive
 * @param meterRegistry where the client's and its plugins' meters go
 */
public record DaVinciConfig(String zookeeperAddress, String clusterName,
    String kafkaBootstrapServers, Path dataPath, Map<String, String> pluginConfig,
    Duration zookeeperSessionTimeout, long blockCacheBytes, MeterRegistry meterRegistry) {
  /** The default {@link #blockCacheBytes}: 64 MiB. */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;


  /**
   * Checks the fields: every one is required.
   *
   * @throws IllegalArgumentException when {@code blockCacheBytes} is not positive
   */
  public DaVinciConfig {
    if (blockCacheBytes <= 0) {
      throw new IllegalArgumentException("Da Vinci blockCacheBytes must be positive; got "
          + blockCacheBytes);
    }
    Objects.requireNonNull(zookeeperAddress, "zookeeperAddress");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
    Objects.requireNonNull(dataPath, "dataPath");
    pluginConfig = Map.copyOf(pluginConfig);
    Objects.requireNonNull(zookeeperSessionTimeout, "zookeeperSessionTimeout");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
  }

  /**
   * A builder with the required settings; no plugins, a 30 s ZooKeeper session timeout, a 64 MiB
   * block cache and a private {@link SimpleMeterRegistry} until set.
   */
  public static Builder builder(String zookeeperAddress, String clusterName,
      String kafkaBootstrapServers, Path dataPath) {
    return new Builder(zookeeperAddress, clusterName, kafkaBootstrapServers, dataPath);
  }

  /**
   * A builder for the cluster a controller belongs to: the controller's {@code GET /cluster} names
   * the cluster, its ZooKeeper and its Kafka.
   *
   * @param controllerUrl a controller's admin URL, such as {@code http://127.0.0.1:5555}
   * @throws dev.venice.runtime.common.controller.ControllerException when the controller cannot be
   *     reached or refuses
   * @throws IllegalStateException when its answer lacks the ZooKeeper address (an older controller)
   */
  public static Builder forController(String controllerUrl, Path dataPath) {
    return forController(new ControllerClient(controllerUrl), dataPath);
  }

  /**
   * As {@link #forController(String, Path)}, asking through {@code controller} (a client with key
   * material for a cluster with {@code ssl.enabled}).
   */
  public static Builder forController(ControllerClient controller, Path dataPath) {
    JsonNode cluster = controller.cluster();
    String zookeeper = cluster.path("zookeeperAddress").asText("");
    if (zookeeper.isEmpty()) {
      throw new IllegalStateException("controller " + controller.url() + " did not name its"
          + " ZooKeeper in GET /cluster (zookeeperAddress)");
    }
    return builder(zookeeper, cluster.path("cluster").asText(),
        cluster.path("kafkaBootstrapServers").asText(), dataPath);
  }

  /** Builds a {@link DaVinciConfig}. */
  public static final class Builder {
    private final String zookeeperAddress;
    private final String clusterName;
    private final String kafkaBootstrapServers;
    private final Path dataPath;
    private Map<String, String> pluginConfig = Map.of();
    private Duration zookeeperSessionTimeout = Duration.ofSeconds(30);
    private long blockCacheBytes = DEFAULT_BLOCK_CACHE_BYTES;
    private MeterRegistry meterRegistry;

    private Builder(String zookeeperAddress, String clusterName, String kafkaBootstrapServers,
        Path dataPath) {
      this.zookeeperAddress = zookeeperAddress;
      this.clusterName = clusterName;
      this.kafkaBootstrapServers = kafkaBootstrapServers;
      this.dataPath = dataPath;
    }

    /** The Da Vinci plugins' settings ({@code plugins.<id>.enabled}, {@code plugins.<id>.<key>}). */
    public Builder pluginConfig(Map<String, String> config) {
      this.pluginConfig = Map.copyOf(config);
      return this;
    }

    /** ZooKeeper's session timeout; default 30 s. */
    public Builder zookeeperSessionTimeout(Duration timeout) {
      this.zookeeperSessionTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The shared block cache's capacity in bytes; default 64 MiB. */
    public Builder blockCacheBytes(long bytes) {
      this.blockCacheBytes = bytes;
      return this;
    }

    /** Where meters go; default a private {@link SimpleMeterRegistry}. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The config. */
    public DaVinciConfig build() {
      return new DaVinciConfig(zookeeperAddress, clusterName, kafkaBootstrapServers, dataPath,
          pluginConfig, zookeeperSessionTimeout, blockCacheBytes,
          meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry);
    }
  }
}
