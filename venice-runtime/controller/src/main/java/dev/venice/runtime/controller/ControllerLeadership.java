package dev.venice.runtime.controller;

import dev.venice.spi.controller.AdminActions;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.TimeSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.helix.AccessOption;
import org.apache.helix.HelixManager;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This controller's view of the cluster leadership, for its plugins ({@link ControllerHost}): the
 * leader as Helix's election recorded it in ZooKeeper ({@code /<cluster>/CONTROLLER/LEADER}, an
 * ephemeral znode holding the leader's instance name), followed by a Helix controller listener.
 *
 * <p>Helix calls the listener on its own event thread, the one that runs the election; the
 * listener only hands a re-read to this class's single thread, so plugins' listeners never delay
 * the election. That thread reads the leader znode through the Helix manager's own ZooKeeper
 * session (the one whose watch fired, so it sees the change it was told of): the leader's instance
 * name, and the transaction id and time ZooKeeper created the znode with (the term's order, by
 * ZooKeeper's clock). It tells every listener of a gain or loss, in order; a term that ended and
 * began again between two reads is told as a loss and a gain. A read that fails keeps the last
 * state and is tried again a second later; meanwhile {@link ControllerHost#isLeader()} is false
 * while the manager is disconnected from ZooKeeper. Thread-safe.
 */
final class ControllerLeadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerLeadership.class);
  private static final long RETRY_SECONDS = 1;

  private final String leaderPath;
  private final String instanceId;
  private final TimeSource time;
  private final ScheduledExecutorService events;
  private final List<Consumer<LeadershipChange>> listeners = new CopyOnWriteArrayList<>();
  /** The Helix manager followed; null until {@link #follow}. */
  private volatile HelixManager manager;
  /** The last state told to listeners; written on the event thread only. */
  private volatile boolean leader;
  private volatile Optional<String> leaderInstance = Optional.empty();
  /** The term this controller holds (or held last): its znode's czxid and ctime. */
  private long termZxid = -1;
  private long termStartMs = -1;

  /**
   * @param cluster the cluster name
   * @param instanceId this controller's instance id ({@code host_adminPort})
   */
  ControllerLeadership(String cluster, String instanceId, TimeSource time) {
    this.leaderPath = "/" + cluster + "/CONTROLLER/LEADER";
    this.instanceId = instanceId;
    this.time = time;
    this.events = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "controller-leadership-" + cluster);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Follows the election of {@code manager} (this controller's connected Helix controller): the
   * state is read now, and again on every change Helix reports.
   */
  void follow(HelixManager manager) throws Exception {
    this.manager = manager;
    manager.addControllerListener(changeContext -> refresh());
    refresh();
  }

  /** Whether this controller leads, as last read, and is connected to ZooKeeper now. */
  private boolean leadsNow() {
    HelixManager followed = manager;
    return leader && followed != null && followed.isConnected();
  }

  /** Re-reads the leader on the leadership thread (never on the caller's). */
  void refresh() {
    onLeadershipThread(this::reread);
  }

  private void onLeadershipThread(Runnable task) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException closed) {
      // closed: nothing more to tell
    }
  }

  private void reread() {
    Stat stat = new Stat();
    Optional<String> current;
    try {
      ZNRecord record = manager.getHelixDataAccessor().getBaseDataAccessor().get(leaderPath,
          stat, AccessOption.PERSISTENT);
      current = record == null ? Optional.empty() // between two terms
          : Optional.ofNullable(record.getId()).filter(id -> !id.isEmpty());
    } catch (RuntimeException e) {
      LOG.warn("cannot read the controller leader at {}; trying again in {} s", leaderPath,
          RETRY_SECONDS, e);
      try {
        events.schedule(this::reread, RETRY_SECONDS, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closed) {
        // closed: nothing more to tell
      }
      return;
    }
    leaderInstance = current;
    boolean now = current.isPresent() && current.get().equals(instanceId);
    if (now && leader && stat.getCzxid() != termZxid) {
      changeTo(false); // this controller's term ended and a new one began between two reads
    }
    if (now != leader) {
      if (now) {
        termZxid = stat.getCzxid();
        termStartMs = stat.getCtime();
      }
      changeTo(now);
    }
  }

  private void changeTo(boolean now) {
    leader = now;
    LeadershipChange change = new LeadershipChange(now, instanceId, termZxid, termStartMs,
        time.now());
    LOG.info("controller {} {} the cluster leadership (term zxid 0x{})", instanceId,
        now ? "gained" : "lost", Long.toHexString(termZxid));
    listeners.forEach(listener -> tell(listener, change));
  }

  private static void tell(Consumer<LeadershipChange> listener, LeadershipChange change) {
    try {
      listener.accept(change);
    } catch (RuntimeException e) {
      LOG.warn("a leadership listener failed on {}", change, e);
    }
  }

  /**
   * The {@link ControllerHost} of one plugin: this leadership, its own state store, the store
   * versions ({@code versions}) and its admin actions.
   */
  ControllerHost forPlugin(PluginStateStore stateStore,
      Function<String, List<StoreVersion>> versions, AdminActions actions) {
    return new ControllerHost() {
      @Override
      public boolean isLeader() {
        return leadsNow();
      }

      @Override
      public Optional<String> leaderInstanceId() {
        return leaderInstance;
      }

      @Override
      public Subscription onLeadershipChange(Consumer<LeadershipChange> listener) {
        return subscribe(listener);
      }

      @Override
      public PluginStateStore stateStore() {
        return stateStore;
      }

      @Override
      public List<StoreVersion> versions(String store) {
        return versions.apply(store);
      }

      @Override
      public AdminActions adminActions() {
        return actions;
      }
    };
  }

  private Subscription subscribe(Consumer<LeadershipChange> listener) {
    // registered on the leadership thread, so a listener hears the current leadership first and
    // then every change, none twice and none missed
    onLeadershipThread(() -> {
      listeners.add(listener);
      if (leader) {
        tell(listener, new LeadershipChange(true, instanceId, termZxid, termStartMs,
            time.now()));
      }
    });
    return () -> onLeadershipThread(() -> listeners.remove(listener));
  }

  /**
   * Stops following; a controller that leads tells its listeners it lost the leadership (it is
   * shutting down, and its ephemeral leader znode goes with its session). Call before the plugins
   * stop.
   */
  @Override
  public void close() throws InterruptedException {
    onLeadershipThread(() -> {
      if (leader) {
        changeTo(false);
      }
    });
    events.shutdown();
    if (!events.awaitTermination(10, TimeUnit.SECONDS)) {
      events.shutdownNow();
    }
  }
}
