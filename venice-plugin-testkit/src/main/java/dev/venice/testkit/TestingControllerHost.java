package dev.venice.testkit;

import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
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
  private final InMemoryStateStore store = new InMemoryStateStore();
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
    this.instanceId = instanceId;
    this.time = time;
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
  public PluginStateStore stateStore() {
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

  /** The state store, in memory, with ZooKeeper's rules. */
  private final class InMemoryStateStore implements PluginStateStore {
    private final TreeMap<String, StateEntry> nodes = new TreeMap<>();
    /** Per parent, as ZooKeeper numbers sequential children (from the parent's child version). */
    private final Map<String, Integer> sequences = new HashMap<>();
    private long zxid;

    synchronized long nextZxid() {
      return ++zxid;
    }

    @Override
    public synchronized Optional<StateEntry> read(String path) {
      PluginStateStore.segments(path);
      return Optional.ofNullable(nodes.get(path));
    }

    @Override
    public synchronized StateEntry create(String path, byte[] data) {
      PluginStateStore.segments(path);
      PluginStateStore.checkData(path, data);
      if (nodes.containsKey(path)) {
        throw new StateConflictException("state " + path + " already exists");
      }
      return put(path, data, 0, nextZxid());
    }

    @Override
    public synchronized StateEntry update(String path, byte[] data, int expectedVersion) {
      PluginStateStore.segments(path);
      PluginStateStore.checkData(path, data);
      StateEntry current = nodes.get(path);
      if (current == null) {
        throw new StateConflictException("state " + path + " does not exist");
      }
      if (expectedVersion != -1 && current.version() != expectedVersion) {
        throw new StateConflictException("state " + path + " is at version "
            + current.version() + ", not " + expectedVersion);
      }
      long now = time.now().toEpochMilli();
      StateEntry written = new StateEntry(path, data.clone(), current.version() + 1,
          current.createdZxid(), nextZxid(), current.createdTimeMs(), now);
      nodes.put(path, written);
      return written;
    }

    @Override
    public synchronized StateEntry append(String parent, byte[] data) {
      PluginStateStore.segments(parent);
      PluginStateStore.checkData(parent, data);
      String name = String.format("%010d", sequences.merge(parent, 1, Integer::sum) - 1);
      return put(parent.isEmpty() ? name : parent + "/" + name, data, 0, nextZxid());
    }

    @Override
    public synchronized List<String> children(String path) {
      PluginStateStore.segments(path);
      String prefix = path.isEmpty() ? "" : path + "/";
      TreeSet<String> names = new TreeSet<>();
      for (String key : nodes.tailMap(prefix, true).keySet()) {
        if (!key.startsWith(prefix)) {
          break;
        }
        String rest = key.substring(prefix.length());
        names.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
      }
      names.remove("");
      return new ArrayList<>(names);
    }

    @Override
    public synchronized boolean delete(String path, int expectedVersion) {
      PluginStateStore.segments(path);
      StateEntry current = nodes.get(path);
      if (current == null) {
        return false;
      }
      if (expectedVersion != -1 && current.version() != expectedVersion) {
        throw new StateConflictException("state " + path + " is at version "
            + current.version() + ", not " + expectedVersion);
      }
      if (!children(path).isEmpty()) {
        throw new IllegalStateException("state " + path + " has children: delete them first");
      }
      nodes.remove(path);
      return true;
    }

    private StateEntry put(String path, byte[] data, int version, long created) {
      int slash = path.lastIndexOf('/');
      if (slash > 0 && !nodes.containsKey(path.substring(0, slash))) {
        put(path.substring(0, slash), new byte[0], 0, nextZxid()); // parents, as ZooKeeper's store
      }
      long now = time.now().toEpochMilli();
      StateEntry entry = new StateEntry(path, data.clone(), version, created, created, now, now);
      nodes.put(path, entry);
      return entry;
    }
  }
}
