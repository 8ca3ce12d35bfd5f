package dev.venice.plugins.hotpartitions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key lookups of one rate window, per (store, version, partition), in at most {@code
 * capacity} counters: a Space-Saving summary (Metwally, Agrawal and El Abbadi, ICDT 2005) whose
 * replacements are done in batches.
 *
 * <p><b>Algorithm.</b> There are {@code capacity} slots, each a partition and its count. A lookup
 * of a tracked partition adds one to its counter. A partition not tracked takes a free slot (count
 * 1, error 0) or, when every slot is used, a slot freed by the last eviction: it inherits the slot's
 * count {@code c} as {@code c + 1} with error {@code c}, as in Space-Saving. When no freed slot is
 * left, one eviction frees the {@code capacity / 10} (at least one) smallest counters at once and
 * keeps their counts, sorted, as the freed slots' counts; a newcomer takes the smallest. So the
 * counts of all slots always add up to the lookups counted, {@code N}, exactly as in
 * Space-Saving, and an evicted count {@code c} was at most every count kept then, hence {@code c
 * <= N / (capacity - batch)}. Guarantees, for the window: a tracked partition's true lookups are
 * between {@code count - error} and {@code count}; every partition with more than {@code N /
 * (capacity - batch)} lookups is tracked ({@link Snapshot#errorBound()}); a partition not listed
 * had at most that many. Until {@code capacity} distinct partitions are seen the counts are exact.
 * Batching makes the cost of a replacement amortised {@code O(log capacity)} instead of the {@code
 * O(capacity)} scan a one-at-a-time replacement over a hash map would need; partitions need no
 * Stream-Summary bucket list, since a server rarely holds more partitions than counters.
 *
 * <p><b>Thread-safety.</b> Safe for any number of threads. A lookup of a tracked partition is one
 * concurrent-map read and one atomic increment, without a lock; inserting a partition and evicting
 * take this object's lock. An evicted counter is marked dead by swapping its count for a large
 * negative number: an increment racing with the eviction sees a negative result and counts again
 * through the locked path, so no lookup is lost or counted twice. Under concurrent increments the
 * batch chosen for eviction is the smallest at the time of the sort, which may differ slightly from
 * the smallest at the swap.
 */
final class PartitionCounts {
  /** A tracked partition's count (negative once evicted) and the error it inherited. */
  private static final class Counter {
    final AtomicLong count;
    final long error;

    Counter(long count, long error) {
      this.count = new AtomicLong(count);
      this.error = error;
    }
  }

  /** An evicted counter's count; increments on it stay negative for 2^62 lookups. */
  private static final long DEAD = Long.MIN_VALUE / 2;

  /**
   * One tracked partition in a {@link Snapshot}.
   *
   * @param id the partition
   * @param count lookups counted for it in the window (an upper bound of its true lookups)
   * @param error how much of {@code count} may belong to other partitions ({@code count - error}
   *     is a lower bound)
   */
  record Entry(PartitionId id, long count, long error) {}

  /**
   * The counts at one moment, by decreasing count.
   *
   * @param entries the tracked partitions
   * @param total every lookup counted ({@code N}), tracked or evicted
   * @param evicted whether any counter was evicted (the counts are then estimates)
   * @param errorBound the most lookups a partition not listed can have had, and the most any
   *     entry's {@code error} can be: 0 before any eviction, else {@code N / (capacity - batch)}
   *     rounded up
   */
  record Snapshot(List<Entry> entries, long total, boolean evicted, long errorBound) {}

  private final int capacity;
  private final int batch;
  private final Map<PartitionId, Counter> counters;
  /** The counts of the slots freed by the last eviction, ascending; guarded by {@code this}. */
  private long[] freed = new long[0];
  /** The next of {@link #freed} to hand out; guarded by {@code this}. */
  private int nextFreed;
  /** Whether an eviction happened; written under {@code this}. */
  private volatile boolean evicted;

  /**
   * @param capacity the most partitions tracked, at least 1
   * @throws IllegalArgumentException when {@code capacity < 1}
   */
  PartitionCounts(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
    this.batch = Math.max(1, capacity / 10);
    this.counters = new ConcurrentHashMap<>(Math.min(capacity, 1024) * 4 / 3 + 1);
  }

  /** Counts one lookup of {@code id}. */
  void add(PartitionId id) {
    Counter counter = counters.get(id);
    if (counter == null || counter.count.incrementAndGet() < 0) {
      addLocked(id);
    }
  }

  private synchronized void addLocked(PartitionId id) {
    Counter counter = counters.get(id);
    if (counter != null && counter.count.incrementAndGet() > 0) {
      return; // tracked meanwhile, or never evicted: counted
    }
    long inherited;
    if (counters.size() + (freed.length - nextFreed) < capacity) {
      inherited = 0; // a slot never used
    } else {
      if (nextFreed == freed.length) {
        evict();
      }
      inherited = freed[nextFreed++];
    }
    counters.put(id, new Counter(inherited + 1, inherited));
  }

  /** Frees the {@link #batch} smallest counters, keeping their counts; called under the lock. */
  private void evict() {
    List<Map.Entry<PartitionId, Counter>> all = new ArrayList<>(counters.entrySet());
    long[] seen = new long[all.size()];
    Integer[] order = new Integer[all.size()];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = all.get(i).getValue().count.get();
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(seen[a], seen[b]));
    long[] counts = new long[Math.min(batch, order.length)];
    for (int i = 0; i < counts.length; i++) {
      Map.Entry<PartitionId, Counter> victim = all.get(order[i]);
      counts[i] = victim.getValue().count.getAndSet(DEAD); // later increments retry, locked
      counters.remove(victim.getKey());
    }
    Arrays.sort(counts);
    freed = counts;
    nextFreed = 0;
    evicted = true;
  }

  /** The counts now, by decreasing count; does not stop counting. */
  Snapshot snapshot() {
    List<Entry> entries = new ArrayList<>();
    long total;
    synchronized (this) {
      total = 0;
      for (int i = nextFreed; i < freed.length; i++) {
        total += freed[i];
      }
      for (Map.Entry<PartitionId, Counter> e : counters.entrySet()) {
        long count = e.getValue().count.get();
        if (count > 0) {
          entries.add(new Entry(e.getKey(), count, e.getValue().error));
          total += count;
        }
      }
    }
    entries.sort((a, b) -> Long.compare(b.count(), a.count()));
    boolean wasEvicted = evicted;
    long bound = wasEvicted ? (total + capacity - batch - 1) / Math.max(1, capacity - batch) : 0;
    return new Snapshot(List.copyOf(entries), total, wasEvicted, bound);
  }

  /** The most partitions tracked. */
  int capacity() {
    return capacity;
  }
}
