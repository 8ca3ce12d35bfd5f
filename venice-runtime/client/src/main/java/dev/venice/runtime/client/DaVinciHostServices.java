package dev.venice.runtime.client;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.davinci.LocalPartitions;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.host.ServingLifecycle;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.host.StoreMetadataService;
import java.util.Map;
import java.util.Optional;

/**
 * A Da Vinci client's host services: a process's (every method passed through), plus its local
 * partitions.
 */
record DaVinciHostServices(HostServices process, LocalPartitions local) implements HostServices {
  @Override
  public String processKind() {
    return process.processKind();
  }

  @Override
  public String instanceId() {
    return process.instanceId();
  }

  @Override
  public String clusterName() {
    return process.clusterName();
  }

  @Override
  public Optional<StoreMetadataService> storeMetadata() {
    return process.storeMetadata();
  }

  @Override
  public Optional<RoutingService> routing() {
    return process.routing();
  }

  @Override
  public Optional<StorageStatsService> storageStats() {
    return process.storageStats();
  }

  @Override
  public Optional<ClusterView> cluster() {
    return process.cluster();
  }

  @Override
  public Optional<ExtraLoadBudget> extraLoadBudget(String store) {
    return process.extraLoadBudget(store);
  }

  @Override
  public Optional<ServingLifecycle> lifecycle() {
    return process.lifecycle();
  }

  @Override
  public Optional<LocalPartitions> localPartitions() {
    return Optional.of(local);
  }

  @Override
  public Map<String, String> kafkaClientConfig() {
    return process.kafkaClientConfig();
  }
}
