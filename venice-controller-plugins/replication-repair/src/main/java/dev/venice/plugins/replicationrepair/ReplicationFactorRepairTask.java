package dev.venice.plugins.replicationrepair;

import dev.venice.plugins.replicationrepair.RepairDecider.Action;
import dev.venice.plugins.replicationrepair.RepairDecider.Decision;
import dev.venice.plugins.replicationrepair.RepairDecider.Resource;
import dev.venice.plugins.replicationrepair.UnderReplicationDetector.UnderReplicatedPartition;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The seed's {@code ReplicationFactorRepairTask}: every {@code interval}, on the leader controller
 * only (a standby does nothing and drops its gauges), reads every store's versions and, for each
 * {@code ONLINE} one (current and backups), its replica states in Helix's external view and the
 * live servers ({@link UnderReplicationDetector}); the {@link RepairDecider} then rebalances
 * ({@link RebalanceScope#REPLICAS}, through the admin-mutation path, so the audit log records it
 * with the principal {@code plugin:replication-repair}) or defers each under-replicated version.
 * Each run sets the {@code under.replicated.partitions} gauges, counts rebalances and deferrals,
 * keeps its {@link RepairReport} for the endpoint and logs a warning per affected store, at most
 * once per {@link #WARNING_INTERVAL} per store. Stores switched off ({@code
 * plugins.replication-repair.enabled=false} in their settings) are not checked.
 *
 * <p>Leadership can move during a run: a {@code NOT_LEADER} refusal ends the run quietly (the new
 * leader's task takes over). Any other failure (store metadata or the cluster view unreadable) is
 * counted in {@code run.failures} and thrown to the host, which logs it and runs again after
 * {@code interval}. Runs one at a time on the plugin's scheduler thread; {@link #lastReport()} is
 * safe from any thread.
 */
final class ReplicationFactorRepairTask implements BackgroundTask {
  /** The most one store's warning is logged: once per this, while it stays under-replicated. */
  static final Duration WARNING_INTERVAL = Duration.ofMinutes(10);

  private final ControllerHost controller;
  private final StoreMetadataService stores;
  private final ClusterView cluster;
  private final Predicate<String> enabled;
  private final Predicate<String> dryRun;
  private final RepairDecider decider;
  private final ReplicationRepairMetrics metrics;
  private final Duration interval;
  private final TimeSource time;
  private final Logger log;
  private final String instanceId;
  private final Map<String, RateGate> warnings = new HashMap<>();
  private volatile RepairReport lastReport;

  /**
   * @param enabled whether the plugin is switched on for a store
   * @param dryRun whether a store's {@code dry-run} is set
   * @param instanceId this controller's instance id, for the report
   */
  ReplicationFactorRepairTask(ControllerHost controller, StoreMetadataService stores,
      ClusterView cluster, Predicate<String> enabled, Predicate<String> dryRun,
      RepairDecider decider, ReplicationRepairMetrics metrics, Duration interval,
      TimeSource time, Logger log, String instanceId) {
    this.controller = controller;
    this.stores = stores;
    this.cluster = cluster;
    this.enabled = enabled;
    this.dryRun = dryRun;
    this.decider = decider;
    this.metrics = metrics;
    this.interval = interval;
    this.time = time;
    this.log = log;
    this.instanceId = instanceId;
  }

  @Override
  public String name() {
    return "replication-factor-repair";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /** The report of the last run this controller made as the leader, if any. */
  Optional<RepairReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  @Override
  public void run() {
    if (!controller.isLeader()) {
      decider.forget();
      metrics.underReplicated(Map.of());
      return;
    }
    metrics.ran();
    Instant started = time.now();
    try {
      Set<String> live = cluster.members(ProcessKind.SERVER).stream()
          .map(ClusterMember::instanceId).collect(Collectors.toCollection(TreeSet::new));
      Map<String, Integer> byStore = new TreeMap<>();
      List<Resource> found = new ArrayList<>();
      for (String store : stores.storeNames()) {
        if (!enabled.test(store)) {
          continue;
        }
        byStore.put(store, check(store, live, found));
      }
      List<Decision> decisions = decider.decide(found, live.size(),
          (store, version, dry) -> controller.adminActions().rebalance(store, version,
              RebalanceScope.REPLICAS, dry));
      metrics.underReplicated(byStore);
      for (Decision d : decisions) {
        if (d.action() == Action.REBALANCED) {
          metrics.rebalanced(d.resource().store());
        } else if (d.action() == Action.DEFERRED) {
          metrics.deferred(d.deferral());
        }
      }
      warn(decisions);
      lastReport = RepairReport.of(started, instanceId, List.copyOf(live), byStore.size(),
          decisions);
    } catch (RuntimeException e) {
      if (e instanceof AdminActionException refused
          && refused.reason() == AdminActionException.Reason.NOT_LEADER) {
        log.debug("replication repair run stopped: this controller no longer leads ({})",
            refused.getMessage());
        decider.forget();
        return;
      }
      metrics.runFailed();
      throw e;
    }
  }

  /**
   * Adds the store's under-replicated online versions to {@code found}. A version whose external
   * view is empty is skipped: the view is not loaded yet (a controller that just became leader) or
   * the version was retired during the run, and counting it as no replica at all would report
   * (and repair) every partition. A version that really lost every replica is below Helix's
   * {@code minActiveReplicas}, which Helix re-places by itself despite the rebalance delay.
   *
   * @return how many of its partitions are under-replicated
   */
  private int check(String store, Set<String> live, List<Resource> found) {
    List<StoreVersion> versions = controller.versions(store);
    boolean pushing = versions.stream().anyMatch(StoreVersion::pushInProgress);
    int count = 0;
    for (StoreVersion version : versions) {
      if (version.status() != StoreVersion.Status.ONLINE) {
        continue;
      }
      Map<Integer, Map<String, String>> states = cluster.replicaStates(store, version.number());
      if (states.isEmpty()) {
        continue;
      }
      List<UnderReplicatedPartition> partitions = UnderReplicationDetector.detect(version,
          states, live);
      if (!partitions.isEmpty()) {
        found.add(new Resource(store, version.number(), version.replicationFactor(), partitions,
            pushing, dryRun.test(store)));
        count += partitions.size();
      }
    }
    return count;
  }

  /** A warning per affected store, at most once per {@link #WARNING_INTERVAL} per store. */
  private void warn(List<Decision> decisions) {
    Map<String, List<Decision>> byStore = new TreeMap<>();
    decisions.forEach(d -> byStore.computeIfAbsent(d.resource().store(), s -> new ArrayList<>())
        .add(d));
    warnings.keySet().retainAll(byStore.keySet()); // a store that heals warns again at once
    byStore.forEach((store, list) -> {
      if (warnings.computeIfAbsent(store, s -> RateGate.open(WARNING_INTERVAL, time))
          .tryPass()) {
        log.warn("store {}: {} under-replicated partitions: {}", store,
            list.stream().mapToInt(d -> d.resource().partitions().size()).sum(),
            list.stream().map(d -> "version " + d.resource().version() + " partitions "
                + d.resource().partitions().stream().map(UnderReplicatedPartition::describe)
                    .collect(Collectors.joining(", ")) + ": " + d.detail())
                .collect(Collectors.joining("; ")));
      }
    });
  }
}
