package dev.venice.testkit;

import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.TimeSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControllerHost} for tests: leadership set by the test ({@link #gainLeadership()},
 * {@link #loseLeadership()}, listeners told at once on the caller's thread) and a state store in
 * memory that behaves as the controller's ZooKeeper one does: the same path rules and size limit,
 * versions from 0, conditional writes that fail with {@link StateConflictException}, sequential
 * children numbered per parent, and transaction ids from one counter (so they order every write,
 * as ZooKeeper's do). Listeners are told on the caller's thread (the controller uses a thread of
 * its own); one that throws is logged, as there. What it does not have: ZooKeeper's persistence
 * across controllers, a session, and the root node as a node of its own. Store versions are what
 * the test sets ({@link #setVersions}); admin actions are recorded, not applied ({@link
 * TestingAdminActions}). Thread-safe.
 */
public final class TestingControllerHost implements ControllerHost {
  private final String instanceId;
  private final TimeSource time;
  private final List<Consumer<LeadershipChange>> listeners = new CopyOnWriteArrayList<>();
  private final TestingStateStore store;
  private final Map<String, List<StoreVersion>> versions = new HashMap<>();
  private final TestingAdminActions adminActions =
      new TestingAdminActions(this::isLeader, this::versions);
  private boolean leader;
  private long termZxid = -1;
  private long termStartMs = -1;

  /**
   * @param instanceId this controller's instance id, e.g. {@code 127.0.0.1_5555}
   * @param time the clock for node times and leadership changes
   */
  public TestingControllerHost(String instanceId, TimeSource time) {
    this(instanceId, time, new TestingStateStore(time));
  }

  /**
   * A controller host over {@code store}, e.g. one a server's or router's context shares ({@link
   * TestingPluginContext.Builder#stateStore}).
   */
  public TestingControllerHost(String instanceId, TimeSource time, TestingStateStore store) {
    this.instanceId = instanceId;
    this.time = time;
    this.store = store;
  }

  /** Makes this controller the leader (a new term, a new transaction id); tells the listeners. */
  public synchronized void gainLeadership() {
    if (!leader) {
      leader = true;
      termZxid = store.nextZxid();
      termStartMs = time.now().toEpochMilli();
      tell(change(true));
    }
  }

  /** Ends this controller's term; tells the listeners. */
  public synchronized void loseLeadership() {
    if (leader) {
      leader = false;
      tell(change(false));
    }
  }

  @Override
  public synchronized boolean isLeader() {
    return leader;
  }

  @Override
  public synchronized Optional<String> leaderInstanceId() {
    return leader ? Optional.of(instanceId) : Optional.empty();
  }

  @Override
  public synchronized Subscription onLeadershipChange(Consumer<LeadershipChange> listener) {
    listeners.add(listener);
    if (leader) {
      tellOne(listener, change(true));
    }
    return () -> listeners.remove(listener);
  }

  @Override
  public TestingStateStore stateStore() {
    return store;
  }

  /** Sets the versions {@link #versions(String)} gives for {@code store} (empty: no store). */
  public synchronized void setVersions(String store, List<StoreVersion> storeVersions) {
    versions.put(store, List.copyOf(storeVersions));
  }

  @Override
  public synchronized List<StoreVersion> versions(String store) {
    return versions.getOrDefault(store, List.of());
  }

  /**
   * Records the calls; refuses them while this host is not the leader, and a rebalance of a
   * version {@link #versions(String)} does not list.
   */
  @Override
  public TestingAdminActions adminActions() {
    return adminActions;
  }

  private LeadershipChange change(boolean gained) {
    return new LeadershipChange(gained, instanceId, termZxid, termStartMs, time.now());
  }

  /** Tells every listener, as the controller does: one that throws does not stop the others. */
  private void tell(LeadershipChange change) {
    for (Consumer<LeadershipChange> listener : listeners) {
      tellOne(listener, change);
    }
  }

  private static void tellOne(Consumer<LeadershipChange> listener, LeadershipChange change) {
    try {
      listener.accept(change);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(TestingControllerHost.class)
          .warn("a leadership listener failed on {}", change, e);
    }
  }
}
