package dev.venice.plugins.hotkeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Space-Saving top-K summary of one stream of keys (Metwally, Agrawal and El Abbadi, "Efficient
 * computation of frequent and top-k elements in data streams", ICDT 2005): at most {@code capacity}
 * counters; a key already counted adds one to its counter; a new key takes a free counter, or, when
 * all are taken, replaces the key of the smallest counter {@code min}, inheriting {@code min + 1} as
 * its count and {@code min} as its error.
 *
 * <p><b>Guarantees</b>, for a stream of {@code N} keys: the counters sum to {@code N}; every
 * key's estimated count {@code count} and error {@code error} bound its true frequency {@code f} as
 * {@code count - error <= f <= count}; the smallest counter is at most {@code N / capacity}, so
 * every key with {@code f > N / capacity} is present.
 *
 * <p><b>Cost.</b> The counters form a min-heap indexed by a hash map of the keys: a key already
 * counted costs one map look-up and a sift-down (its count grew); a replacement costs a map removal,
 * a map insertion, one copy of the key bytes and a sift-down: O(log capacity) in the worst case,
 * O(1) for the hot keys that are counted again and again (they sit at the heap's bottom).
 *
 * <p><b>Thread-safety.</b> Every method synchronizes on the summary: one lock per summary (per
 * partition replica), so readers of different partitions never contend. The hash of the key is
 * computed by the caller ({@link ByteKey}) outside the lock.
 */
final class SpaceSaving {
  /** One counter. */
  private static final class Counter {
    ByteKey key;
    long count;
    long error;
    int slot;

    Counter(ByteKey key, long count, long error, int slot) {
      this.key = key;
      this.count = count;
      this.error = error;
      this.slot = slot;
    }
  }

  /**
   * One counted key of a snapshot.
   *
   * @param key the serialized key (the summary's copy: read-only)
   * @param count the estimated number of requests for it, at least its true number
   * @param error how much {@code count} may overestimate: the true number is at least {@code count
   *     - error}
   */
  record Entry(byte[] key, long count, long error) {}

  /**
   * A consistent copy of the summary.
   *
   * @param capacity the number of counters ({@code top-k})
   * @param total the keys counted since the summary was created
   * @param minCount the smallest counter when all counters are taken (a key absent from the
   *     summary was requested at most this often), else 0
   * @param sinceMillis when the summary was created (epoch milliseconds)
   * @param entries the counted keys, by decreasing count
   */
  record Snapshot(int capacity, long total, long minCount, long sinceMillis, List<Entry> entries) {}

  private final int capacity;
  private final long sinceMillis;
  private final Map<ByteKey, Counter> index;
  private final Counter[] heap;
  private int size;
  private long total;

  /**
   * @param capacity the number of counters, at least 1
   * @param sinceMillis the creation time (epoch milliseconds) reported by snapshots
   */
  SpaceSaving(int capacity, long sinceMillis) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
    this.sinceMillis = sinceMillis;
    this.index = new HashMap<>(capacity * 2);
    this.heap = new Counter[capacity];
  }

  /** Counts one request for {@code key}; the key's bytes are copied only if it enters. */
  synchronized void offer(ByteKey key) {
    total++;
    Counter counter = index.get(key);
    if (counter != null) {
      counter.count++;
      siftDown(counter);
      return;
    }
    ByteKey kept = key.copy();
    if (size < capacity) {
      counter = new Counter(kept, 1, 0, size);
      heap[size++] = counter;
      index.put(kept, counter);
      siftUp(counter);
      return;
    }
    counter = heap[0];
    index.remove(counter.key);
    counter.key = kept;
    counter.error = counter.count;
    counter.count++;
    index.put(kept, counter);
    siftDown(counter);
  }

  /** The keys counted so far. */
  synchronized long total() {
    return total;
  }

  /** A copy of at most {@code top} entries with the highest counts (ties in no set order). */
  Snapshot snapshot(int top) {
    List<Entry> entries;
    long totalNow;
    long min;
    synchronized (this) {
      entries = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        entries.add(new Entry(heap[i].key.bytes(), heap[i].count, heap[i].error));
      }
      totalNow = total;
      min = size == capacity ? heap[0].count : 0;
    } // the kept bytes are never changed: a replaced key gets a new array
    entries.sort(Comparator.comparingLong(Entry::count).reversed());
    return new Snapshot(capacity, totalNow, min, sinceMillis,
        List.copyOf(entries.subList(0, Math.min(Math.max(top, 0), entries.size()))));
  }

  private void siftUp(Counter counter) {
    int slot = counter.slot;
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (heap[parent].count <= counter.count) {
        break;
      }
      place(heap[parent], slot);
      slot = parent;
    }
    place(counter, slot);
  }

  private void siftDown(Counter counter) {
    int slot = counter.slot;
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      int right = child + 1;
      if (right < size && heap[right].count < heap[child].count) {
        child = right;
      }
      if (counter.count <= heap[child].count) {
        break;
      }
      place(heap[child], slot);
      slot = child;
    }
    place(counter, slot);
  }

  private void place(Counter counter, int slot) {
    heap[slot] = counter;
    counter.slot = slot;
  }
}
