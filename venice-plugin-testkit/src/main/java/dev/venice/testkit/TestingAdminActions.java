package dev.venice.testkit;

import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.AdminActions;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.controller.StoreVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * {@link AdminActions} for tests: records every call that the controller would have applied, in
 * order, and refuses as the controller does when its host is not the leader ({@code
 * NOT_LEADER}), a rebalance of a version the host does not list ({@code NOT_FOUND}), a {@code
 * REPLICAS} rebalance while one of the store's versions is {@code STARTED} ({@code CONFLICT}),
 * or when the test asked it to ({@link #refuseWith}). Dry runs are recorded with {@code dryRun}
 * set and change nothing. It checks no topic: that is the controller's job, tested on a local
 * cluster. Thread-safe.
 */
public final class TestingAdminActions implements AdminActions {
  /**
   * One call.
   *
   * @param kind {@code rebalance} or {@code updateTopicConfigs}
   * @param store the store
   * @param version the version rebalanced, 0 for a topic-config update
   * @param scope the rebalance's scope, {@code null} for a topic-config update
   * @param topicConfigs the topic configs set (topics sorted), empty for a rebalance
   * @param dryRun whether it was a dry run
   */
  public record Call(String kind, String store, int version, RebalanceScope scope,
      Map<String, Map<String, String>> topicConfigs, boolean dryRun) {}

  private final BooleanSupplier isLeader;
  private final Function<String, List<StoreVersion>> versions;
  private final List<Call> calls = new ArrayList<>();
  private AdminActionException.Reason refusal;

  /**
   * @param isLeader whether the host leads now; calls on a standby are refused
   * @param versions a store's versions, as the host lists them
   */
  public TestingAdminActions(BooleanSupplier isLeader,
      Function<String, List<StoreVersion>> versions) {
    this.isLeader = Objects.requireNonNull(isLeader, "isLeader");
    this.versions = Objects.requireNonNull(versions, "versions");
  }

  /** Makes every later call fail with {@code reason} ({@code null}: succeed again). */
  public synchronized void refuseWith(AdminActionException.Reason reason) {
    this.refusal = reason;
  }

  /** The calls so far, oldest first (refused ones are not there). */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized boolean rebalance(String store, int version, RebalanceScope scope,
      boolean dryRun) {
    Objects.requireNonNull(scope, "scope");
    check(store);
    List<StoreVersion> listed = versions.apply(store);
    if (listed.stream().noneMatch(v -> v.number() == version)) {
      throw new AdminActionException(AdminActionException.Reason.NOT_FOUND, "store " + store
          + " has no version " + version);
    }
    if (scope == RebalanceScope.REPLICAS
        && listed.stream().anyMatch(StoreVersion::pushInProgress)) {
      throw new AdminActionException(AdminActionException.Reason.CONFLICT, "store " + store
          + ": no replica rebalance of version " + version + " during a push");
    }
    calls.add(new Call("rebalance", store, version, scope, Map.of(), dryRun));
    return !dryRun;
  }

  @Override
  public synchronized void updateTopicConfigs(String store,
      Map<String, Map<String, String>> configsByTopic, boolean dryRun) {
    check(store);
    Map<String, Map<String, String>> sorted = new TreeMap<>();
    configsByTopic.forEach((topic, configs) -> sorted.put(topic, Map.copyOf(configs)));
    calls.add(new Call("updateTopicConfigs", store, 0, null, Collections.unmodifiableMap(sorted),
        dryRun));
  }

  private void check(String store) {
    if (!isLeader.getAsBoolean()) {
      throw new AdminActionException(AdminActionException.Reason.NOT_LEADER, "store " + store
          + ": this controller is not the leader; nothing was changed");
    }
    if (refusal != null) {
      throw new AdminActionException(refusal, "store " + store + ": refused by the test ("
          + refusal + ")");
    }
  }
}
