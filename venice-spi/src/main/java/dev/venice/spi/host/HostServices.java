package dev.venice.spi.host;

import dev.venice.spi.client.ExtraLoadBudget;
import java.util.Map;
import java.util.Optional;

/**
 * What the host process offers every plugin, read-only. Implemented by hosts, not by plugins;
 * methods may be added in minor SPI versions.
 */
public interface HostServices {
  /**
   * The kind of process, as a {@link dev.venice.spi.plugin.ProcessKind#id()}: {@code controller},
   * {@code server}, {@code router}, {@code client} or {@code da-vinci-client}.
   */
  String processKind();

  /** This process's instance id (for a server, its Helix participant id {@code host_port}). */
  String instanceId();

  /** The cluster this process belongs to. */
  String clusterName();

  /** Store metadata, where the host knows it. */
  Optional<StoreMetadataService> storeMetadata();

  /** Routing (ready replicas per partition), where the host knows it. */
  Optional<RoutingService> routing();

  /** Storage statistics, on a process that stores data. */
  Optional<StorageStatsService> storageStats();

  /**
   * The cluster's live processes and replica states, with a client for their plugin endpoints;
   * present on controllers, servers and routers, empty on clients.
   *
   * @since 1.1.0
   */
  @dev.venice.spi.Experimental(since = "1.1.0")
  default Optional<ClusterView> cluster() {
    return Optional.empty();
  }

  /**
   * The extra-load budget of {@code store}, shared by the hedges and retries every replica-level
   * decorator sends for it; present on fast clients, empty elsewhere and for a store this host does
   * not read.
   *
   * @param store the store the decorator was built for ({@code decorate(next, store)})
   * @since 1.3.0
   */
  @dev.venice.spi.Experimental(since = "1.3.0")
  default Optional<ExtraLoadBudget> extraLoadBudget(String store) {
    return Optional.empty();
  }

  /**
   * The process's serving state machine: present on controllers, servers and routers, empty on
   * clients.
   *
   * @since 1.4.0
   */
  @dev.venice.spi.Experimental(since = "1.4.0")
  default Optional<ServingLifecycle> lifecycle() {
    return Optional.empty();
  }

  /**
   * A Da Vinci client's local partitions (list them, make their progress durable).
   *
   * @return empty on every other kind of process
   * @since 1.8.0
   */
  @dev.venice.spi.Experimental(since = "1.8.0")
  default Optional<dev.venice.spi.davinci.LocalPartitions> localPartitions() {
    return Optional.empty();
  }

  /**
   * Kafka client settings (at least {@code bootstrap.servers}) for a plugin that produces or
   * consumes with its own Kafka client; empty when the host has no Kafka.
   */
  Map<String, String> kafkaClientConfig();
}
