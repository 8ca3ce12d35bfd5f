package dev.venice.runtime.metadata;

import dev.venice.spi.client.Replica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.spectator.RoutingTableProvider;

/**
 * Which replicas serve which partitions, from Helix's external view: a Helix spectator whose table
 * Helix refreshes on every change. A replica in LEADER or STANDBY state is ready to serve.
 */
public final class RoutingTable implements AutoCloseable {
  private final HelixManager spectator;
  private final RoutingTableProvider provider;

  /** Connects a spectator named {@code name} to {@code cluster}. */
  public RoutingTable(String cluster, String name, String zkAddress, Duration sessionTimeout)
      throws Exception {
    this.spectator = ZooKeeperConnections.helixManager(cluster, name, InstanceType.SPECTATOR,
        zkAddress, sessionTimeout);
    spectator.connect();
    this.provider = new RoutingTableProvider(spectator);
  }

  /** The ready replicas of one partition of a version topic, leader first. */
  public List<Replica> readyReplicas(String topic, int partition) {
    String partitionName = topic + "_" + partition;
    List<Replica> replicas = new ArrayList<>();
    addAll(replicas, provider.getInstancesForResource(topic, partitionName, "LEADER"));
    addAll(replicas, provider.getInstancesForResource(topic, partitionName, "STANDBY"));
    return replicas;
  }

  private static void addAll(List<Replica> into, List<InstanceConfig> instances) {
    instances.stream().sorted(Comparator.comparing(InstanceConfig::getInstanceName))
        .map(i -> new Replica(i.getInstanceName(), i.getHostName(), Integer.parseInt(i.getPort())))
        .forEach(into::add);
  }

  @Override
  public void close() {
    provider.shutdown();
    spectator.disconnect();
  }
}
