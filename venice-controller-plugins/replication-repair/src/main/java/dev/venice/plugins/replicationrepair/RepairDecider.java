package dev.venice.plugins.replicationrepair;

import dev.venice.plugins.replicationrepair.UnderReplicationDetector.UnderReplicatedPartition;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for each under-replicated store version of one run, whether to rebalance its Helix
 * resource now, and does it through a {@link Rebalancer}. The rules, in this order:
 *
 * <ol>
 *   <li>never during a push: a store with a version being pushed is deferred ({@code
 *       PUSH_IN_PROGRESS}; the seed's "defer to after the push completes");
 *   <li>fewer live servers than the version's replication factor: deferred ({@code
 *       NOT_ENOUGH_LIVE_SERVERS}; a rebalance among the servers there are cannot help, and
 *       adding servers is out of the seed's scope);
 *   <li>under-replicated for less than the grace period (since the run that first saw one of its
 *       partitions under-replicated, while some stays so): deferred ({@code GRACE_PERIOD}: a
 *       restarting server comes back);
 *   <li>rebalanced less than the cooldown ago: deferred ({@code COOLDOWN}: Helix is bootstrapping
 *       the new replicas);
 *   <li>a dry run asks the before-hooks only ({@code WOULD_REBALANCE}); it neither waits for nor
 *       uses up the rate limit and starts no cooldown, as it changes nothing;
 *   <li>at most one rebalance per {@code rebalance-interval} across all stores (the thundering herd
 *       after a multi-server outage): the resource under-replicated longest goes first, the others
 *       are deferred ({@code RATE_LIMIT}) to a later run.
 * </ol>
 *
 * <p>The controller checks the push again under the store's lock: a push that started after this
 * run read the versions makes it refuse ({@code CONFLICT}), reported as deferred ({@code
 * PUSH_IN_PROGRESS}). Any other refusal ({@code VETOED}, {@code FAILED}, {@code NOT_FOUND},
 * {@code INVALID}) is reported {@code REFUSED} with the controller's message and tried again on a
 * later run (an attempt uses up the rate limit). Time comes from the injected {@link TimeSource} (monotonic
 * nanoseconds). Not thread-safe: one run at a time (the task's scheduler thread).
 */
final class RepairDecider {
  /** What happened to one under-replicated store version in a run. */
  enum Action {
    /** The rebalance was started. */
    REBALANCED,
    /** A dry run: the before-hooks let it through; nothing changed. */
    WOULD_REBALANCE,
    /** Not rebalanced in this run, for a {@link Deferral} reason; a later run decides again. */
    DEFERRED,
    /** The controller refused the rebalance (the reason and its message are reported). */
    REFUSED
  }

  /** Why a rebalance waits; the tag of the {@code rebalances.deferred} counter. */
  enum Deferral {
    PUSH_IN_PROGRESS, NOT_ENOUGH_LIVE_SERVERS, GRACE_PERIOD, COOLDOWN, RATE_LIMIT;

    /** {@code push-in-progress}: the meter tag. */
    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code push in progress}: for people. */
    String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One under-replicated store version found by a run.
   *
   * @param store the store
   * @param version the version number
   * @param replicationFactor the version's replication factor
   * @param partitions its under-replicated partitions (not empty)
   * @param pushInProgress whether a version of the store is being pushed
   * @param dryRun whether the store's {@code dry-run} is set
   */
  record Resource(String store, int version, int replicationFactor,
      List<UnderReplicatedPartition> partitions, boolean pushInProgress, boolean dryRun) {
    Resource {
      partitions = List.copyOf(partitions);
    }

    /** The Helix resource's name, {@code <store>_v<version>}. */
    String name() {
      return store + "_v" + version;
    }
  }

  /**
   * The decision on one resource.
   *
   * @param resource what was found
   * @param action what happened
   * @param deferral why it waits ({@link Action#DEFERRED} only, else null)
   * @param refusal why the controller refused ({@link Action#REFUSED} only, else null)
   * @param detail one line for people: what happened and why
   */
  record Decision(Resource resource, Action action, Deferral deferral,
      AdminActionException.Reason refusal, String detail) {}

  /** Starts (or, dry, asks about) a replica rebalance; the plugin's admin actions. */
  @FunctionalInterface
  interface Rebalancer {
    /**
     * @return whether it was started (false for a dry run or a resource gone meanwhile)
     * @throws AdminActionException when the controller refuses
     */
    boolean rebalance(String store, int version, boolean dryRun);
  }

  private final TimeSource time;
  private final RateGate rateGate;
  private final long graceNanos;
  private final long cooldownNanos;
  /** Resource name to partition to when a run first saw it under-replicated (nanoTime). */
  private final Map<String, Map<Integer, Long>> firstSeen = new HashMap<>();
  /** Resource name to when it was last rebalanced (nanoTime). */
  private final Map<String, Long> rebalancedAt = new HashMap<>();

  /**
   * @param time the clock (monotonic nanoseconds)
   * @param rebalanceInterval at most one rebalance per this interval (positive)
   * @param gracePeriod how long a partition stays under-replicated before it is repaired (0: at
   *     once)
   * @param cooldown how long a rebalanced resource is left alone
   */
  RepairDecider(TimeSource time, Duration rebalanceInterval, Duration gracePeriod,
      Duration cooldown) {
    this.time = time;
    this.rateGate = RateGate.open(rebalanceInterval, time);
    this.graceNanos = gracePeriod.toNanos();
    this.cooldownNanos = cooldown.toNanos();
  }

  /**
   * Decides on every resource of one run and rebalances those that pass the rules. Partitions
   * not in {@code resources} are taken as healthy again (their grace period starts over).
   *
   * @param resources every under-replicated store version this run found
   * @param liveServers how many servers are live
   * @return one decision per resource, by store then version
   * @throws AdminActionException {@code NOT_LEADER}: this controller stopped leading; the rest of
   *     the run is abandoned (the new leader's task takes over)
   */
  List<Decision> decide(List<Resource> resources, int liveServers, Rebalancer rebalancer) {
    long now = time.nanoTime();
    track(resources, now);
    rebalancedAt.values().removeIf(at -> now - at >= cooldownNanos);
    List<Resource> longestFirst = new ArrayList<>(resources);
    longestFirst.sort(Comparator.comparingLong((Resource r) -> since(r))
        .thenComparing(Resource::store).thenComparingInt(Resource::version));
    List<Decision> decisions = new ArrayList<>();
    for (Resource resource : longestFirst) {
      decisions.add(decide(resource, liveServers, now, rebalancer));
    }
    decisions.sort(Comparator.comparing((Decision d) -> d.resource().store())
        .thenComparingInt(d -> d.resource().version()));
    return decisions;
  }

  /** Forgets when partitions became under-replicated (this controller stopped leading). */
  void forget() {
    firstSeen.clear();
  }

  private Decision decide(Resource resource, int liveServers, long now, Rebalancer rebalancer) {
    if (resource.pushInProgress()) {
      return deferred(resource, Deferral.PUSH_IN_PROGRESS, "a version of the store is being"
          + " pushed");
    }
    if (liveServers < resource.replicationFactor()) {
      return deferred(resource, Deferral.NOT_ENOUGH_LIVE_SERVERS, liveServers + " live servers"
          + " for replication factor " + resource.replicationFactor());
    }
    long underFor = now - since(resource);
    if (underFor < graceNanos) {
      return deferred(resource, Deferral.GRACE_PERIOD, "under-replicated for "
          + seconds(underFor) + " of " + seconds(graceNanos));
    }
    if (resource.dryRun()) {
      return call(resource, rebalancer, true);
    }
    Long at = rebalancedAt.get(resource.name());
    if (at != null) {
      return deferred(resource, Deferral.COOLDOWN, "rebalanced " + seconds(now - at) + " ago,"
          + " cooldown " + seconds(cooldownNanos));
    }
    if (!rateGate.tryPass()) {
      return deferred(resource, Deferral.RATE_LIMIT, "another rebalance ran less than"
          + " rebalance-interval ago");
    }
    Decision decision = call(resource, rebalancer, false);
    if (decision.action() == Action.REBALANCED) {
      rebalancedAt.put(resource.name(), now);
    }
    return decision;
  }

  private static Decision call(Resource resource, Rebalancer rebalancer, boolean dryRun) {
    boolean started;
    try {
      started = rebalancer.rebalance(resource.store(), resource.version(), dryRun);
    } catch (AdminActionException e) {
      if (e.reason() == AdminActionException.Reason.NOT_LEADER) {
        throw e;
      }
      if (e.reason() == AdminActionException.Reason.CONFLICT) { // a push started meanwhile
        return deferred(resource, Deferral.PUSH_IN_PROGRESS, e.getMessage());
      }
      return new Decision(resource, Action.REFUSED, null, e.reason(), "refused ("
          + e.reason() + (dryRun ? ", dry run" : "") + "): " + e.getMessage());
    }
    if (dryRun) {
      return new Decision(resource, Action.WOULD_REBALANCE, null, null,
          "would rebalance (dry run)");
    }
    return started
        ? new Decision(resource, Action.REBALANCED, null, null, "rebalanced")
        : new Decision(resource, Action.REFUSED, null, AdminActionException.Reason.NOT_FOUND,
            "refused (NOT_FOUND): the version's resource is gone (retired meanwhile)");
  }

  private static Decision deferred(Resource resource, Deferral deferral, String why) {
    return new Decision(resource, Action.DEFERRED, deferral, null,
        "deferred (" + deferral.text() + "): " + why);
  }

  /** Records when each partition was first seen under-replicated; drops the healed ones. */
  private void track(List<Resource> resources, long now) {
    Map<String, Set<Integer>> current = new HashMap<>();
    for (Resource resource : resources) {
      Set<Integer> partitions = current.computeIfAbsent(resource.name(), k -> new HashSet<>());
      Map<Integer, Long> seen = firstSeen.computeIfAbsent(resource.name(), k -> new HashMap<>());
      for (UnderReplicatedPartition p : resource.partitions()) {
        partitions.add(p.partition());
        seen.putIfAbsent(p.partition(), now);
      }
    }
    firstSeen.keySet().retainAll(current.keySet());
    firstSeen.forEach((name, seen) -> seen.keySet().retainAll(current.get(name)));
  }

  /** When the longest-under-replicated partition of the resource was first seen so. */
  private long since(Resource resource) {
    return firstSeen.get(resource.name()).values().stream().mapToLong(Long::longValue).min()
        .orElseThrow();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
