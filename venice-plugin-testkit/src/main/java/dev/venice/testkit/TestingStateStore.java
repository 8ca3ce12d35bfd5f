package dev.venice.testkit;

import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plugin's state store in memory, with ZooKeeper's rules (see {@link TestingControllerHost}):
 * what {@code PluginContext.stateStore()} gives in tests, on every process kind. One instance may
 * be shared by several contexts (a controller's plugin writing what a server's reads). Watches
 * ({@link #watch}) are told on the writer's thread after each create, update or delete of their
 * node. Thread-safe.
 */
public final class TestingStateStore implements PluginStateStore {
  private final TreeMap<String, StateEntry> nodes = new TreeMap<>();
  /** Per parent, as ZooKeeper numbers sequential children (from the parent's child version). */
  private final Map<String, Integer> sequences = new HashMap<>();
  private long zxid;
  private final TimeSource time;
  private final Map<String, List<Runnable>> watches = new ConcurrentHashMap<>();

  /** @param time the clock for node times */
  public TestingStateStore(TimeSource time) {
    this.time = time;
  }

  /** The next transaction id (a leadership term takes one, as in ZooKeeper). */
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
    changed(path);
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
    changed(path);
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
    changed(path);
    return entry;
  }

  @Override
  public Subscription watch(String path, Runnable onChange) {
    PluginStateStore.segments(path);
    watches.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(onChange);
    return () -> watches.getOrDefault(path, List.of()).remove(onChange);
  }

  private void changed(String path) {
    for (Runnable watch : watches.getOrDefault(path, List.of())) {
      watch.run();
    }
  }
}
