package dev.venice.plugins.hotkeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
 * every key with {@code f > N / capacity} is present, and an absent key has {@code f <= min}.
 *
 * <p><b>Cost.</b> The counters are kept in the paper's Stream-Summary: buckets of counters of equal
 * count, in a list by increasing count, so the smallest counter is the first bucket's and a counter
 * moves to the next bucket when it grows, O(1); all of it in int and long arrays, no object per
 * counter. Keys are found through an open-addressing hash table (linear probing, at most half
 * full). A key already counted costs one probe sequence and a bucket move; a replacement costs a
 * removal from the table, one copy of the key bytes (into the replaced key's array when the
 * lengths match, so no allocation), an insertion and a bucket move: O(1) throughout.
 *
 * <p><b>Thread-safety.</b> Updates and snapshots hold the summary's own spin lock; {@link
 * #tryOffer} never waits for it.
 */
final class SpaceSaving {
  /**
   * One counted key of a snapshot.
   *
   * @param key the serialized key (a copy)
   * @param count the estimated number of requests for it, at least its true number
   * @param error how much {@code count} may overestimate: the true number is at least {@code count
   *     - error}
   */
  record Entry(byte[] key, long count, long error) {}

  /**
   * A consistent copy of a summary.
   *
   * @param total the keys counted
   * @param minCount an upper bound of the requests for any key not listed: the smallest counter
   *     when all counters are taken, else 0
   * @param entries the counted keys, in no set order
   */
  record Snapshot(long total, long minCount, List<Entry> entries) {}

  private static final VarHandle LOCKED;

  static {
    try {
      LOCKED = MethodHandles.lookup().findVarHandle(SpaceSaving.class, "locked", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Spins before a waiting thread starts yielding its processor. */
  private static final int SPINS = 100;

  /** The lock: 1 while a thread updates or copies the counters. */
  @SuppressWarnings("unused") // through LOCKED
  private volatile int locked;
  private final int capacity;
  // Counter i: its key bytes, their hash, its error, its bucket and its neighbours in the bucket.
  private final byte[][] keys;
  private final int[] hashes;
  private final long[] errors;
  private final int[] bucketOf;
  private final int[] nextInBucket;
  private final int[] prevInBucket;
  // Bucket b: the count its counters share, its first counter, its neighbours by count.
  private final long[] bucketCount;
  private final int[] firstOf;
  private final int[] nextBucket;
  private final int[] prevBucket;
  private int freeBucket;
  private int minBucket = NONE;
  /** The hash table: counter index + 1, 0 for a free slot. */
  private final int[] table;
  private final int mask;
  private int size;
  private long total;

  private static final int NONE = -1;

  /** @param capacity the number of counters, at least 1 */
  SpaceSaving(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
    keys = new byte[capacity][];
    hashes = new int[capacity];
    errors = new long[capacity];
    bucketOf = new int[capacity];
    nextInBucket = new int[capacity];
    prevInBucket = new int[capacity];
    bucketCount = new long[capacity];
    firstOf = new int[capacity];
    nextBucket = new int[capacity];
    prevBucket = new int[capacity];
    for (int b = 0; b < capacity; b++) {
      nextBucket[b] = b + 1 < capacity ? b + 1 : NONE; // the free list
    }
    freeBucket = 0;
    table = new int[Integer.highestOneBit(capacity) << 2]; // at most half full
    mask = table.length - 1;
  }

  /** Counts one request for {@code key}, waiting for the lock if needed. */
  void offer(ByteKey key) {
    lock();
    try {
      update(key);
    } finally {
      unlock();
    }
  }

  /** Counts one request for {@code key} if the lock is free now; false (nothing done) if not. */
  boolean tryOffer(ByteKey key) {
    if (!tryLock()) {
      return false;
    }
    try {
      update(key);
    } finally {
      unlock();
    }
    return true;
  }

  /** The keys counted so far. */
  long total() {
    lock();
    try {
      return total;
    } finally {
      unlock();
    }
  }

  /** A copy of every counter (the key bytes copied too). */
  Snapshot snapshot() {
    lock();
    try {
      List<Entry> entries = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        entries.add(new Entry(keys[i].clone(), bucketCount[bucketOf[i]], errors[i]));
      }
      return new Snapshot(total, size == capacity ? bucketCount[minBucket] : 0, entries);
    } finally {
      unlock();
    }
  }

  // A test-and-test-and-set spin lock: one compare-and-set to take it, one release store to give
  // it back (a ReentrantLock costs twice as much uncontended, measured). The section it guards is
  // a few hundred instructions with no I/O, so a waiter spins briefly, then yields.

  private boolean tryLock() {
    return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
  }

  private void lock() {
    for (int spins = 0; !tryLock(); spins++) {
      if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  private void unlock() {
    LOCKED.setRelease(this, 0);
  }

  private void update(ByteKey key) {
    total++;
    int hash = key.hashCode();
    byte[] bytes = key.bytes();
    int i = home(hash);
    for (int c; (c = table[i] - 1) >= 0; i = (i + 1) & mask) {
      if (hashes[c] == hash && Arrays.equals(keys[c], bytes)) {
        increment(c);
        return;
      }
    }
    if (size < capacity) { // i is the free slot that ended the probe
      int c = size++;
      keys[c] = bytes.clone();
      hashes[c] = hash;
      table[i] = c + 1;
      if (minBucket != NONE && bucketCount[minBucket] == 1) {
        attach(c, minBucket);
      } else { // a new lowest bucket: counts are at least 1
        int b = newBucket(1);
        nextBucket[b] = minBucket;
        prevBucket[b] = NONE;
        if (minBucket != NONE) {
          prevBucket[minBucket] = b;
        }
        minBucket = b;
        attach(c, b);
      }
      return;
    }
    int c = firstOf[minBucket]; // a counter of the smallest count takes the new key
    remove(c); // may shift entries, so the key's slot is probed again
    if (keys[c].length == bytes.length) { // keys of a store are often of one length
      System.arraycopy(bytes, 0, keys[c], 0, bytes.length);
    } else {
      keys[c] = bytes.clone();
    }
    hashes[c] = hash;
    errors[c] = bucketCount[minBucket];
    int j = home(hash);
    while (table[j] != 0) {
      j = (j + 1) & mask;
    }
    table[j] = c + 1;
    increment(c);
  }

  /**
   * Adds one to counter {@code c}'s count: it moves to the next bucket when that one holds the
   * count plus one, else to a new bucket after its own (or its own bucket's count grows when it is
   * alone there). O(1): the Stream-Summary of Metwally et al.
   */
  private void increment(int c) {
    int b = bucketOf[c];
    long count = bucketCount[b] + 1;
    int next = nextBucket[b];
    boolean alone = firstOf[b] == c && nextInBucket[c] == NONE;
    if (next != NONE && bucketCount[next] == count) {
      detach(c, b);
      attach(c, next);
      if (alone) {
        unlinkBucket(b);
      }
    } else if (alone) {
      bucketCount[b] = count;
    } else {
      detach(c, b);
      int fresh = newBucket(count);
      prevBucket[fresh] = b;
      nextBucket[fresh] = next;
      nextBucket[b] = fresh;
      if (next != NONE) {
        prevBucket[next] = fresh;
      }
      attach(c, fresh);
    }
  }

  private int newBucket(long count) {
    int b = freeBucket;
    freeBucket = nextBucket[b];
    bucketCount[b] = count;
    firstOf[b] = NONE;
    return b;
  }

  /** Removes the empty bucket {@code b} from the list and frees it. */
  private void unlinkBucket(int b) {
    int prev = prevBucket[b];
    int next = nextBucket[b];
    if (prev == NONE) {
      minBucket = next;
    } else {
      nextBucket[prev] = next;
    }
    if (next != NONE) {
      prevBucket[next] = prev;
    }
    nextBucket[b] = freeBucket;
    freeBucket = b;
  }

  private void attach(int c, int b) {
    int first = firstOf[b];
    nextInBucket[c] = first;
    prevInBucket[c] = NONE;
    if (first != NONE) {
      prevInBucket[first] = c;
    }
    firstOf[b] = c;
    bucketOf[c] = b;
  }

  private void detach(int c, int b) {
    int prev = prevInBucket[c];
    int next = nextInBucket[c];
    if (prev == NONE) {
      firstOf[b] = next;
    } else {
      nextInBucket[prev] = next;
    }
    if (next != NONE) {
      prevInBucket[next] = prev;
    }
  }

  private int home(int hash) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  /** Deletes counter {@code c} from the table, shifting back the entries probed past it. */
  private void remove(int c) {
    int hole = home(hashes[c]);
    while (table[hole] != c + 1) {
      hole = (hole + 1) & mask;
    }
    table[hole] = 0;
    for (int i = (hole + 1) & mask; table[i] != 0; i = (i + 1) & mask) {
      int home = home(hashes[table[i] - 1]);
      boolean stays = hole < i ? home > hole && home <= i : home > hole || home <= i;
      if (!stays) {
        table[hole] = table[i];
        table[i] = 0;
        hole = i;
      }
    }
  }
}
