package dev.venice.plugins.confighistory;

import dev.venice.plugins.confighistory.HistoryCodec.UnreadableHistoryException;
import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Detail;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.plugin.TimeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The configuration history of every store, kept in the plugin's ZooKeeper state: one node per
 * store, {@code stores/<store>}, holding its last entries in the {@link HistoryCodec} format,
 * oldest first.
 *
 * <p><b>Append.</b> {@link #record} turns a successful {@code CREATE_STORE}, {@code UPDATE_STORE}
 * or {@code DELETE_STORE} into a {@link HistoryEntry} (the {@link ConfigDiff} of the configuration
 * before and after, and the configuration after) and appends it with {@link
 * PluginStateStore#update(String, java.util.function.Function)}: a read-modify-write conditional
 * on the node's ZooKeeper version, retried on a conflict, so concurrent appends, on one controller
 * or several, never lose or duplicate an entry. The entry's {@code seq} and {@code afterZxid} come
 * from the node read, so they are those of the attempt that won.
 *
 * <p><b>Rotation.</b> An append keeps the newest {@code maxEntries} entries, then drops the oldest
 * until the node fits in {@code maxBytes} (ZooKeeper's limit, {@link
 * PluginStateStore#MAX_DATA_BYTES}, in production); the new entry itself is kept with the most
 * {@link Detail} that fits on its own, so a history always holds at least the newest entry. Every
 * entry dropped or reduced is counted ({@code rotated{reason}}, {@code truncated}).
 *
 * <p><b>What the configuration is.</b> The store's state as the controller reports it to
 * admin-mutation hooks, without the version bookkeeping that pushes change ({@link #NOT_CONFIG}).
 *
 * <p><b>Deletion.</b> A {@code DELETE_STORE} appends a tombstone entry (no configuration, no
 * changes) and keeps the history: who deleted the store and its last configuration stay readable
 * (the question after an accidental delete); a store created again under the name continues the
 * same history with a {@code CREATE_STORE} entry.
 *
 * <p>Thread-safe: no state besides the store's; the clock only times appends.
 */
final class StoreConfigHistory {
  /** A store name as the controller accepts it. */
  static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  /** Top-level store fields that are bookkeeping of versions, not configuration. */
  static final Set<String> NOT_CONFIG = Set.of("versions", "currentVersion",
      "largestUsedVersion");
  /** The operations recorded. */
  static final Set<AdminOperation> RECORDED = Collections.unmodifiableSet(EnumSet.of(
      AdminOperation.CREATE_STORE, AdminOperation.UPDATE_STORE, AdminOperation.DELETE_STORE));
  /** The parent of the stores' nodes in the plugin's state. */
  static final String ROOT = "stores";

  private final PluginStateStore state;
  private final int maxEntries;
  private final int maxBytes;
  private final ConfigHistoryMetrics metrics;
  private final TimeSource time;

  /**
   * @param state the plugin's ZooKeeper state
   * @param maxEntries entries kept per store, at least 1
   * @param maxBytes the most bytes a store's node may hold, at most {@link
   *     PluginStateStore#MAX_DATA_BYTES}
   * @param time the clock timing appends
   */
  StoreConfigHistory(PluginStateStore state, int maxEntries, int maxBytes,
      ConfigHistoryMetrics metrics, TimeSource time) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries " + maxEntries + " < 1");
    }
    if (maxBytes < 64 || maxBytes > PluginStateStore.MAX_DATA_BYTES) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " is not 64 to "
          + PluginStateStore.MAX_DATA_BYTES);
    }
    this.state = state;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    this.time = time;
  }

  /**
   * What one append did.
   *
   * @param entry the entry as stored (its detail possibly reduced)
   * @param entries how many entries the history holds now
   * @param bytes the node's size now
   * @param droppedForCount oldest entries dropped to keep {@code maxEntries}
   * @param droppedForSize oldest entries dropped to fit in {@code maxBytes}
   * @param startedAfresh whether the node was unreadable and replaced
   */
  record Appended(HistoryEntry entry, int entries, int bytes, int droppedForCount,
      int droppedForSize, boolean startedAfresh) {}

  /** A store's history as read. */
  record History(String store, StateEntry node, int entries, List<HistoryEntry> newestFirst) {}

  /** Makes the entry to append once the node is read: given its seq and afterZxid. */
  @FunctionalInterface
  interface EntryFactory {
    HistoryEntry entry(long seq, long afterZxid);
  }

  private record Attempt(byte[] node, Appended appended) {}

  /**
   * The path of a store's node, {@code stores/<store>}.
   *
   * @throws IllegalArgumentException naming the store when it is not a valid store name
   */
  static String path(String store) {
    if (store == null || !STORE_NAME.matcher(store).matches()) {
      throw new IllegalArgumentException("store name '" + store + "' is invalid: use 1 to 128"
          + " letters, digits, '_' or '-', starting with a letter or digit");
    }
    return ROOT + "/" + store;
  }

  /** A store's configuration: its state without {@link #NOT_CONFIG}, keys sorted. */
  static Map<String, Object> config(Map<String, Object> storeState) {
    Map<String, Object> config = new TreeMap<>(storeState);
    config.keySet().removeAll(NOT_CONFIG);
    return config;
  }

  /**
   * Records a mutation when it is a successful store-config one (see {@link #RECORDED}); the
   * others are ignored.
   *
   * @return what the append did, or empty when nothing was recorded
   * @throws IllegalArgumentException when the store's name is invalid
   * @throws UnreadableHistoryException when the node was written by a newer format (it is left as
   *     is)
   * @throws IllegalStateException when ZooKeeper fails the write
   */
  Optional<Appended> record(AdminMutation mutation, AdminOutcome outcome) {
    if (!outcome.success() || mutation.dryRun() || mutation.store() == null
        || !RECORDED.contains(mutation.operation())) {
      return Optional.empty();
    }
    boolean deletion = mutation.operation() == AdminOperation.DELETE_STORE;
    Map<String, Object> after = deletion ? null : config(outcome.after());
    List<Change> changes = deletion ? List.of() : ConfigDiff.diff(config(mutation.before()),
        after);
    long timeMs = mutation.timestamp().toEpochMilli();
    Appended appended = append(mutation.store(), (seq, afterZxid) -> new HistoryEntry(seq,
        timeMs, afterZxid, mutation.caller().principal(), mutation.caller().address(),
        mutation.operation().name(), Detail.FULL, changes.size(), changes, after));
    metrics.recorded(mutation.operation().name());
    return Optional.of(appended);
  }

  /**
   * Appends an entry to a store's history, rotating as the class says.
   *
   * @throws IllegalArgumentException when the store's name is invalid
   * @throws UnreadableHistoryException when the node was written by a newer format
   * @throws IllegalStateException when ZooKeeper fails the write, or the entry does not fit even
   *     reduced to its change count (only with a tiny {@code maxBytes})
   */
  Appended append(String store, EntryFactory factory) {
    String path = path(store);
    long start = time.nanoTime();
    AtomicReference<Attempt> last = new AtomicReference<>();
    state.update(path, current -> {
      Attempt attempt = next(store, current, factory);
      last.set(attempt);
      return attempt.node();
    });
    Appended appended = last.get().appended();
    metrics.rotated(ConfigHistoryMetrics.MAX_ENTRIES, appended.droppedForCount());
    metrics.rotated(ConfigHistoryMetrics.SIZE, appended.droppedForSize());
    metrics.rotated(ConfigHistoryMetrics.UNREADABLE, appended.startedAfresh() ? 1 : 0);
    if (appended.entry().detail() != Detail.FULL) {
      metrics.truncated();
    }
    metrics.appended(appended.bytes(), time.nanoTime() - start);
    return appended;
  }

  /** The new node for one attempt; no side effects (it may run again after a conflict). */
  private Attempt next(String store, Optional<StateEntry> current, EntryFactory factory) {
    List<byte[]> frames = new ArrayList<>();
    boolean afresh = false;
    if (current.isPresent()) {
      try {
        frames.addAll(HistoryCodec.frames(current.get().data()));
      } catch (UnreadableHistoryException e) {
        if (e.newerFormat) {
          throw e;
        }
        afresh = true;
      }
    }
    long seq = current.map(c -> c.version() + 1L).orElse(0L);
    long afterZxid = current.map(StateEntry::modifiedZxid).orElse(0L);
    HistoryEntry entry = factory.entry(seq, afterZxid);
    byte[] frame = null;
    int room = maxBytes - HistoryCodec.HEADER_BYTES - HistoryCodec.FRAME_HEADER_BYTES;
    for (Detail detail : Detail.values()) {
      HistoryEntry reduced = entry.reduced(detail);
      byte[] encoded = HistoryCodec.encode(reduced);
      if (encoded.length <= room) {
        entry = reduced;
        frame = encoded;
        break;
      }
    }
    if (frame == null) {
      throw new IllegalStateException("the history entry of store " + store + " does not fit in "
          + maxBytes + " bytes even without its snapshot and changes");
    }
    frames.add(frame);
    int droppedForCount = Math.max(0, frames.size() - maxEntries);
    frames.subList(0, droppedForCount).clear();
    int droppedForSize = 0;
    int size = HistoryCodec.nodeSize(frames);
    while (size > maxBytes) {
      size -= HistoryCodec.FRAME_HEADER_BYTES + frames.remove(0).length;
      droppedForSize++;
    }
    byte[] node = HistoryCodec.node(frames);
    return new Attempt(node, new Appended(entry, frames.size(), node.length, droppedForCount,
        droppedForSize, afresh));
  }

  /**
   * A store's history, newest first.
   *
   * @param limit the most entries returned (the newest), at least 1
   * @return empty when the store has no history node
   * @throws IllegalArgumentException when the store's name is invalid
   * @throws UnreadableHistoryException when the node or an entry returned cannot be read
   */
  Optional<History> read(String store, int limit) {
    return state.read(path(store)).map(node -> {
      List<byte[]> frames = HistoryCodec.frames(node.data());
      List<HistoryEntry> newestFirst = new ArrayList<>();
      for (int i = frames.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
        newestFirst.add(HistoryCodec.decode(frames.get(i)));
      }
      return new History(store, node, frames.size(), newestFirst);
    });
  }

  /** Entries kept per store. */
  int maxEntries() {
    return maxEntries;
  }
}
