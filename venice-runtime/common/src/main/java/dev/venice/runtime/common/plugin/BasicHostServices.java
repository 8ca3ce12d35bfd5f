package dev.venice.runtime.common.plugin;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.host.StoreMetadataService;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Host services assembled from what a process has; absent services are {@code null}.
 *
 * @param processKind {@code controller}, {@code server}, {@code router} or {@code client}
 * @param instanceId this process's instance id
 * @param clusterName the cluster name
 * @param storeMetadataService store metadata, or {@code null}
 * @param routingService routing, or {@code null}
 * @param storageStatsService storage statistics, or {@code null}
 * @param clusterView the cluster's live processes and replica states, or {@code null} (clients)
 * @param kafkaClientConfig Kafka client settings, empty when the host has no Kafka
 * @param extraLoadBudgets a store's extra-load budget (fast clients), empty for other stores
 */
public record BasicHostServices(
    String processKind,
    String instanceId,
    String clusterName,
    StoreMetadataService storeMetadataService,
    RoutingService routingService,
    StorageStatsService storageStatsService,
    ClusterView clusterView,
    Map<String, String> kafkaClientConfig,
    Function<String, Optional<ExtraLoadBudget>> extraLoadBudgets) implements HostServices {

  /** Validates and copies. */
  public BasicHostServices {
    Objects.requireNonNull(processKind, "processKind");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(clusterName, "clusterName");
    kafkaClientConfig = Map.copyOf(kafkaClientConfig);
    Objects.requireNonNull(extraLoadBudgets, "extraLoadBudgets");
  }

  /** A host without extra-load budgets (every process but a fast client). */
  public BasicHostServices(String processKind, String instanceId, String clusterName,
      StoreMetadataService storeMetadataService, RoutingService routingService,
      StorageStatsService storageStatsService, ClusterView clusterView,
      Map<String, String> kafkaClientConfig) {
    this(processKind, instanceId, clusterName, storeMetadataService, routingService,
        storageStatsService, clusterView, kafkaClientConfig, store -> Optional.empty());
  }

  /** A host with no services beyond its identity (a client, or a test). */
  public static BasicHostServices minimal(String processKind, String instanceId, String cluster) {
    return new BasicHostServices(processKind, instanceId, cluster, null, null, null, null,
        Map.of());
  }

  @Override
  public Optional<StoreMetadataService> storeMetadata() {
    return Optional.ofNullable(storeMetadataService);
  }

  @Override
  public Optional<RoutingService> routing() {
    return Optional.ofNullable(routingService);
  }

  @Override
  public Optional<StorageStatsService> storageStats() {
    return Optional.ofNullable(storageStatsService);
  }

  @Override
  public Optional<ClusterView> cluster() {
    return Optional.ofNullable(clusterView);
  }

  @Override
  public Optional<ExtraLoadBudget> extraLoadBudget(String store) {
    return extraLoadBudgets.apply(store);
  }
}
