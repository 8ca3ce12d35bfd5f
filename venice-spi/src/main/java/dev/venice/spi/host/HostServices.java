package dev.venice.spi.host;

import java.util.Map;
import java.util.Optional;

/** What the host process offers every plugin, read-only. */
public interface HostServices {
  /** The kind of process: {@code controller}, {@code server}, {@code router} or {@code client}. */
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
   * Kafka client settings (at least {@code bootstrap.servers}) for a plugin that produces or
   * consumes with its own Kafka client; empty when the host has no Kafka.
   */
  Map<String, String> kafkaClientConfig();
}
