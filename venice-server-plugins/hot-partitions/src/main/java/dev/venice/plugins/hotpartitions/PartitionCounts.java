package dev.venice.plugins.hotpartitions;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

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
 * take this object's lock. Threads colliding on one partition's counter move it to per-thread
 * cells, one cache line each (see {@code Counter}), so a hot partition read by many threads does
 * not serialise them on one cache line; memory stays bounded (at most 8 cells per counter). An
 * evicted counter is marked dead by swapping its count and cells for a large negative number: an
 * increment racing with the eviction sees a negative result and counts again through the locked
 * path, so no lookup is lost or counted twice. Under concurrent increments the
 * batch chosen for eviction is the smallest at the time of the sort, which may differ slightly from
 * the smallest at the swap.
 */
final class PartitionCounts {
  /**
   * A tracked partition's count and the error it inherited. The count is a base field updated by
   * compare-and-set; once two threads collide on it, further increments go to padded cells, one
   * per thread stripe (as {@link java.util.concurrent.atomic.LongAdder} does), so threads reading
   * one hot partition do not share a cache line. Eviction swaps the base and every cell for {@link
   * #DEAD}: an increment either lands before the swap of its field (and is in the evicted count)
   * or sees a negative value after it (and is counted again through the locked path).
   */
  private static final class Counter {
    private static final VarHandle BASE;
    private static final VarHandle CELLS;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        BASE = lookup.findVarHandle(Counter.class, "base", long.class);
        CELLS = lookup.findVarHandle(Counter.class, "cells", AtomicLongArray.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Lookups counted by compare-and-set on this field; {@link #DEAD} once evicted. */
    private volatile long base;
    /** {@code null} until two threads collide on {@link #base}; then the cells. */
    private volatile AtomicLongArray cells;
    final long error;

    Counter(long count, long error) {
      this.base = count;
      this.error = error;
    }

    /** Adds one lookup; {@code false} when the counter was evicted (the lookup is not counted). */
    boolean increment() {
      AtomicLongArray c = cells;
      if (c == null) {
        long b = base;
        if (b < 0) {
          return false;
        }
        if (BASE.compareAndSet(this, b, b + 1)) {
          return true;
        }
        // another thread (or the eviction) changed the base meanwhile: spread over cells
        AtomicLongArray fresh = new AtomicLongArray(STRIPES * PAD);
        c = (AtomicLongArray) CELLS.compareAndExchange(this, (AtomicLongArray) null, fresh);
        if (c == null) {
          c = fresh;
        }
      }
      if (c == DEAD_CELLS) {
        return false;
      }
      return c.incrementAndGet(((int) Thread.currentThread().getId() & (STRIPES - 1)) * PAD) > 0;
    }

    /** The count now; negative once evicted. */
    long count() {
      long sum = base;
      AtomicLongArray c = cells;
      if (sum < 0 || c == DEAD_CELLS) {
        return -1;
      }
      if (c != null) {
        for (int i = 0; i < STRIPES; i++) {
          long v = c.get(i * PAD);
          if (v < 0) {
            return -1;
          }
          sum += v;
        }
      }
      return sum;
    }

    /** Marks the counter evicted and returns its final count; called under the summary's lock. */
    long kill() {
      long sum = (long) BASE.getAndSet(this, DEAD);
      AtomicLongArray c = (AtomicLongArray) CELLS.compareAndExchange(this, (AtomicLongArray) null,
          DEAD_CELLS);
      if (c != null) {
        for (int i = 0; i < STRIPES; i++) {
          sum += c.getAndSet(i * PAD, DEAD);
        }
      }
      return sum;
    }
  }

  /**
   * Cells per contended counter: twice the processors rounded up to a power of two, at most 8 (so
   * a counter two threads collided on holds at most {@code 8 * 64} bytes of cells more).
   */
  private static final int STRIPES = Math.min(8,
      Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors() - 1)) << 1);
  /** Longs between two cells: one 64-byte cache line each. */
  private static final int PAD = 8;
  /** The cells of a counter evicted before any collision. */
  private static final AtomicLongArray DEAD_CELLS = new AtomicLongArray(0);

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
    if (counter == null || !counter.increment()) {
      addLocked(id);
    }
  }

  private synchronized void addLocked(PartitionId id) {
    Counter counter = counters.get(id);
    if (counter != null && counter.increment()) {
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
    // the map only changes under this lock, so its size holds while we copy it
    int n = counters.size();
    PartitionId[] ids = new PartitionId[n];
    Counter[] all = new Counter[n];
    long[] seen = new long[n];
    int size = 0;
    for (Map.Entry<PartitionId, Counter> e : counters.entrySet()) {
      if (size == n) {
        break;
      }
      ids[size] = e.getKey();
      all[size] = e.getValue();
      seen[size] = all[size].count();
      size++;
    }
    int take = Math.min(batch, size); // size >= capacity >= 1 when called
    // the take-th smallest count: every counter below it goes, then enough of those equal to it
    long[] sorted = Arrays.copyOf(seen, size);
    Arrays.sort(sorted);
    long threshold = sorted[take - 1];
    long[] counts = new long[take];
    int k = 0;
    for (int i = 0; i < size && k < take; i++) {
      if (seen[i] < threshold) {
        counts[k++] = kill(ids[i], all[i]);
      }
    }
    for (int i = 0; i < size && k < take; i++) {
      if (seen[i] == threshold) {
        counts[k++] = kill(ids[i], all[i]);
      }
    }
    Arrays.sort(counts);
    freed = counts;
    nextFreed = 0;
    evicted = true;
  }

  /** Evicts one counter: later increments of it retry through the locked path. */
  private long kill(PartitionId id, Counter counter) {
    long count = counter.kill();
    counters.remove(id);
    return count;
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
        long count = e.getValue().count();
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
