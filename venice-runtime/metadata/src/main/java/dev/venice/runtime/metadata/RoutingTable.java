package dev.venice.runtime.metadata;

import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.client.Replica;
import dev.venice.spi.host.RoutingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.PropertyType;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.spectator.RoutingTableProvider;
import org.apache.helix.spectator.RoutingTableSnapshot;

/**
 * Which replicas serve which partitions: a Helix {@link RoutingTableProvider} over the external
 * view and the {@value #READINESS_STATE_TYPE} customized view, which Helix refreshes on every
 * change, so a lookup reads memory, never ZooKeeper. A replica is <em>ready to serve</em> when it
 * is LEADER or STANDBY in the external view, its server has reported it {@value #READY} (caught up:
 * its version topic consumed to end-of-push and, for a hybrid store, the real-time topic within
 * the store's offset lag) in its Helix customized state, and its server is not draining (the
 * {@value #DRAINING_FIELD} field of its Helix instance config). This is Venice's rule: its routers
 * route to the replicas whose customized state is COMPLETED. A partition with no such replica is
 * routed to the best it has rather than not at all ({@link #readyReplicas}): a server refuses
 * reads of a replica that has not caught up ({@code UNAVAILABLE}), and callers move on.
 *
 * <p>Used by routers (to route reads), controllers (their plugins' {@link RoutingService}) and, on
 * top of a server's own Helix participant, servers (replica states for the cluster view).
 * Thread-safe.
 */
public final class RoutingTable implements AutoCloseable, ZkClusterView.ReplicaStateSource {
  /** The Helix customized-state type a server reports its replicas' readiness in (Venice's). */
  public static final String READINESS_STATE_TYPE = "OFFLINE_PUSH";
  /** The customized state of a replica that is ready to serve. */
  public static final String READY = "COMPLETED";
  /** The instance-config field a draining server sets to {@code true}. */
  public static final String DRAINING_FIELD = "VENICE_DRAINING";
  /** The external-view states that serve reads, leader first. */
  private static final List<String> ROUTED_STATES = List.of("LEADER", "STANDBY");

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
      this.provider = new RoutingTableProvider(manager, Map.of(
          PropertyType.EXTERNALVIEW, List.of(),
          PropertyType.CUSTOMIZEDVIEW, List.of(READINESS_STATE_TYPE)));
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

  /**
   * The replicas of one partition of a version topic to route to, leader first, then standbys by
   * instance id: the ready-to-serve ones (see the class comment). When there are none, the best
   * there is, in this order: caught up but draining (a draining server still answers), then routable
   * but not reported caught up (their reports not aggregated yet: a replica that has not caught up
   * refuses, and the caller moves on), not draining first.
   */
  public List<Replica> readyReplicas(String topic, int partition) {
    String partitionName = topic + "_" + partition;
    RoutingTableSnapshot readiness = provider.getRoutingTableSnapshot(PropertyType.CUSTOMIZEDVIEW,
        READINESS_STATE_TYPE);
    Set<String> caughtUp = null; // null: Helix has no customized view of this version yet
    if (readiness.getResources().contains(topic)) {
      caughtUp = new HashSet<>();
      for (InstanceConfig instance : readiness.getInstancesForResource(topic, partitionName,
          READY)) {
        caughtUp.add(instance.getInstanceName());
      }
    }
    RoutingTableSnapshot states = provider.getRoutingTableSnapshot(PropertyType.EXTERNALVIEW);
    List<InstanceConfig> routable = new ArrayList<>();
    for (String state : ROUTED_STATES) {
      states.getInstancesForResource(topic, partitionName, state).stream()
          .sorted(Comparator.comparing(InstanceConfig::getInstanceName))
          .forEach(routable::add);
    }
    Set<String> reported = caughtUp;
    Predicate<InstanceConfig> isCaughtUp = i -> reported == null
        || reported.contains(i.getInstanceName());
    for (Predicate<InstanceConfig> tier : List.of(isCaughtUp.and(i -> !isDraining(i)),
        isCaughtUp, i -> !isDraining(i))) {
      List<Replica> replicas = replicas(routable, tier);
      if (!replicas.isEmpty()) {
        return replicas;
      }
    }
    return replicas(routable, i -> true);
  }

  private static List<Replica> replicas(List<InstanceConfig> instances,
      Predicate<InstanceConfig> filter) {
    return instances.stream().filter(filter)
        .map(i -> new Replica(i.getInstanceName(), i.getHostName(), Integer.parseInt(i.getPort())))
        .toList();
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
    for (ExternalView view : provider.getRoutingTableSnapshot(PropertyType.EXTERNALVIEW)
        .getExternalViews()) {
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

  /** Whether a server has marked itself draining in its instance config. */
  public static boolean isDraining(InstanceConfig instance) {
    return Boolean.parseBoolean(instance.getRecord().getSimpleField(DRAINING_FIELD));
  }

  @Override
  public void close() {
    provider.shutdown();
    if (ownsManager) {
      manager.disconnect();
    }
  }
}
