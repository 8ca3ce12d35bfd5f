package dev.venice.runtime.common.process;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.host.ServingLifecycle;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.host.StoreMetadataService;
import java.util.Map;
import java.util.Optional;

/** A process's host services with its {@link ProcessHost}'s serving state machine added. */
record WithLifecycle(HostServices services, ServingLifecycle serving) implements HostServices {
  @Override
  public String processKind() {
    return services.processKind();
  }

  @Override
  public String instanceId() {
    return services.instanceId();
  }

  @Override
  public String clusterName() {
    return services.clusterName();
  }

  @Override
  public Optional<StoreMetadataService> storeMetadata() {
    return services.storeMetadata();
  }

  @Override
  public Optional<RoutingService> routing() {
    return services.routing();
  }

  @Override
  public Optional<StorageStatsService> storageStats() {
    return services.storageStats();
  }

  @Override
  public Optional<ClusterView> cluster() {
    return services.cluster();
  }

  @Override
  public Optional<ExtraLoadBudget> extraLoadBudget(String store) {
    return services.extraLoadBudget(store);
  }

  @Override
  public Optional<ServingLifecycle> lifecycle() {
    return Optional.of(serving);
  }

  @Override
  public Map<String, String> kafkaClientConfig() {
    return services.kafkaClientConfig();
  }
}
