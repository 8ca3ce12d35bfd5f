package dev.venice.plugins.hotpartitions;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link PartitionId} of each (store, version, partition) read, made once and reused, so that
 * counting a lookup allocates nothing: per store, for its {@link #VERSIONS_PER_STORE} latest
 * versions read, an array indexed by partition. A lookup is one concurrent-map read (the store
 * name's hash is cached by {@link String}), a scan of at most {@link #VERSIONS_PER_STORE} versions
 * and an array read; a (store, version, partition) seen for the first time takes the store's lock
 * and copies its array.
 *
 * <p>Memory: per store read, at most {@link #VERSIONS_PER_STORE} arrays as long as its highest
 * partition read plus one, and their ids; when more than {@link #MAX_STORES} stores were read
 * (stores created and deleted over time) the cache starts over. Thread-safe: arrays are
 * copied-on-write and published through volatile fields.
 */
final class PartitionIds {
  /** Versions kept per store: the current one, the next during a push, one more. */
  static final int VERSIONS_PER_STORE = 3;
  /** Stores kept before the cache starts over. */
  static final int MAX_STORES = 10_000;

  /** One version's ids by partition; {@code null} where not read yet. */
  private record Version(int version, PartitionId[] ids) {}

  private static final class Store {
    private final String name;
    /** Copied on write, under this object's lock; the latest versions read. */
    private volatile Version[] versions = new Version[0];

    Store(String name) {
      this.name = name;
    }

    PartitionId get(int version, int partition) {
      Version[] vs = versions;
      for (Version v : vs) {
        if (v.version == version) {
          PartitionId[] ids = v.ids;
          if (partition < ids.length) {
            PartitionId id = ids[partition];
            if (id != null) {
              return id;
            }
          }
          break;
        }
      }
      return add(version, partition);
    }

    private synchronized PartitionId add(int version, int partition) {
      Version[] vs = versions;
      int at = -1;
      for (int i = 0; i < vs.length; i++) {
        if (vs[i].version == version) {
          at = i;
        }
      }
      PartitionId[] ids;
      if (at >= 0) {
        ids = vs[at].ids;
        if (partition < ids.length && ids[partition] != null) {
          return ids[partition];
        }
        ids = Arrays.copyOf(ids, Math.max(ids.length, partition + 1));
      } else {
        ids = new PartitionId[partition + 1];
      }
      PartitionId id = new PartitionId(name, version, partition);
      ids[partition] = id;
      Version[] next;
      if (at >= 0) {
        next = vs.clone();
        next[at] = new Version(version, ids);
      } else if (vs.length < VERSIONS_PER_STORE) {
        next = Arrays.copyOf(vs, vs.length + 1);
        next[vs.length] = new Version(version, ids);
      } else {
        next = vs.clone();
        int lowest = 0;
        for (int i = 1; i < next.length; i++) {
          if (next[i].version < next[lowest].version) {
            lowest = i;
          }
        }
        next[lowest] = new Version(version, ids);
      }
      versions = next;
      return id;
    }
  }

  private final Map<String, Store> stores = new ConcurrentHashMap<>();

  /**
   * The id of one partition; an equal id on every call (the same instance unless the cache
   * started over or the version was pushed out by later ones).
   *
   * @throws IllegalArgumentException for a negative partition
   */
  PartitionId get(String store, int version, int partition) {
    if (partition < 0) {
      throw new IllegalArgumentException("partition " + partition + " of store " + store
          + " is negative");
    }
    Store s = stores.get(store);
    if (s == null) {
      if (stores.size() >= MAX_STORES) {
        stores.clear();
      }
      s = stores.computeIfAbsent(store, Store::new);
    }
    return s.get(version, partition);
  }
}
