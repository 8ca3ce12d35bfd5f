package dev.venice.runtime.metadata;

import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.client.Replica;
import dev.venice.spi.host.RoutingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.spectator.RoutingTableProvider;

/**
 * Which replicas serve which partitions, from Helix's external view: a Helix {@link
 * RoutingTableProvider} whose table Helix refreshes on every change, so a lookup reads memory,
 * never ZooKeeper. A replica in LEADER or STANDBY state is ready to serve.
 *
 * <p>Used by routers (to route reads), controllers (their plugins' {@link RoutingService}) and, on
 * top of a server's own Helix participant, servers (replica states for the cluster view).
 * Thread-safe.
 */
public final class RoutingTable implements AutoCloseable, ZkClusterView.ReplicaStateSource {
  private final HelixManager manager;
  private final boolean ownsManager;
  private final RoutingTableProvider provider;

  /** Connects a spectator named {@code name} to {@code cluster}; {@link #close} disconnects it. */
  public RoutingTable(String cluster, String name, String zkAddress, Duration sessionTimeout)
      throws Exception {
    this(connect(ZooKeeperConnections.helixManager(cluster, name, InstanceType.SPECTATOR,
        zkAddress, sessionTimeout)), true);
  }

  private RoutingTable(HelixManager manager, boolean ownsManager) {
    this.manager = manager;
    this.ownsManager = ownsManager;
    try {
      this.provider = new RoutingTableProvider(manager);
    } catch (RuntimeException e) {
      if (ownsManager) {
        manager.disconnect();
      }
      throw e;
    }
  }

  /**
   * A routing table over a Helix manager the process already has and keeps (a server's
   * participant), without a ZooKeeper session of its own; {@link #close} stops the table only.
   *
   * @param connected a connected Helix manager of the cluster
   */
  public static RoutingTable on(HelixManager connected) {
    if (!connected.isConnected()) {
      throw new IllegalStateException("Helix manager " + connected.getInstanceName()
          + " of cluster " + connected.getClusterName() + " is not connected");
    }
    return new RoutingTable(connected, false);
  }

  private static HelixManager connect(HelixManager manager) throws Exception {
    manager.connect();
    return manager;
  }

  /** The ready replicas of one partition of a version topic, leader first. */
  public List<Replica> readyReplicas(String topic, int partition) {
    String partitionName = topic + "_" + partition;
    List<Replica> replicas = new ArrayList<>();
    addAll(replicas, provider.getInstancesForResource(topic, partitionName, "LEADER"));
    addAll(replicas, provider.getInstancesForResource(topic, partitionName, "STANDBY"));
    return replicas;
  }

  /**
   * This table as the SPI's routing service: {@link #readyReplicas} of the store version's topic
   * {@code <store>_v<N>}, leader first, then standbys by instance id; empty for an unknown store,
   * version or partition.
   */
  public RoutingService asRoutingService() {
    return (store, version, partition) ->
        readyReplicas(TopicNames.versionTopic(store, version), partition);
  }

  /**
   * Every replica's state in the external view of a version topic's resource: partition number to
   * instance id to state ({@code LEADER}, {@code STANDBY}, {@code OFFLINE}, {@code ERROR}, ...),
   * sorted, unmodifiable. Empty when Helix has no external view of the resource; partitions with
   * no replica are absent.
   */
  @Override
  public Map<Integer, Map<String, String>> replicaStates(String topic) {
    for (ExternalView view : provider.getRoutingTableSnapshot().getExternalViews()) {
      if (view.getResourceName().equals(topic)) {
        return statesOf(view);
      }
    }
    return Map.of();
  }

  private static Map<Integer, Map<String, String>> statesOf(ExternalView view) {
    String prefix = view.getResourceName() + "_";
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    for (String partitionName : view.getPartitionSet()) {
      Map<String, String> replicas = view.getStateMap(partitionName);
      if (replicas == null || replicas.isEmpty() || !partitionName.startsWith(prefix)) {
        continue;
      }
      int partition;
      try {
        partition = Integer.parseInt(partitionName.substring(prefix.length()));
      } catch (NumberFormatException notOurs) {
        continue;
      }
      states.put(partition, Collections.unmodifiableMap(new TreeMap<>(replicas)));
    }
    return Collections.unmodifiableMap(states);
  }

  private static void addAll(List<Replica> into, List<InstanceConfig> instances) {
    instances.stream().sorted(Comparator.comparing(InstanceConfig::getInstanceName))
        .map(i -> new Replica(i.getInstanceName(), i.getHostName(), Integer.parseInt(i.getPort())))
        .forEach(into::add);
  }

  @Override
  public void close() {
    provider.shutdown();
    if (ownsManager) {
      manager.disconnect();
    }
  }
}
