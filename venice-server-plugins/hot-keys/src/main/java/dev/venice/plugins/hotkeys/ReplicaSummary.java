package dev.venice.plugins.hotkeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The hot-key summary of one partition replica: up to {@code stripes} {@link SpaceSaving}
 * summaries of {@code top-k} counters each, every lookup counted in exactly one of them, merged
 * when read.
 *
 * <p><b>Why stripes.</b> A hot key is a hot partition: many reader threads count the same
 * partition at once, and one lock makes them queue (measured: five to ten times slower per key
 * with two threads on one summary). A reader therefore counts in the first stripe whose lock is
 * free, starting at the one where it last succeeded (a thread-local hint, first its thread id),
 * and only waits when every stripe is busy; a new stripe
 * is created only when all existing ones were busy, so a partition read by one thread at a time
 * keeps a single summary. Each stripe summarizes a disjoint share of the replica's lookups (split
 * by thread, not by key: the hot key is counted in every stripe without contention).
 *
 * <p><b>Guarantees</b> are those of one Space-Saving summary of the replica's {@code N} lookups:
 * the stripes are merged with the rule for mergeable summaries (Agarwal et al., PODS 2012): a key's
 * merged count and error add its count and error in the stripes that list it and the {@code
 * minCount} of those that do not, so {@code count - error <= true <= count}; the merged {@code
 * minCount} (the sum of the stripes') is at most {@code N / top-k}, and every key requested more
 * than {@code N / top-k} times is listed (it must exceed its share in some stripe).
 *
 * <p>Thread-safe; {@link #offer} never takes a lock another reader holds unless every stripe is
 * busy.
 */
final class ReplicaSummary {
  /**
   * A replica's merged summary.
   *
   * @param capacity counters per stripe ({@code top-k})
   * @param stripes the stripes in use
   * @param total the lookups counted
   * @param minCount an upper bound of the lookups of any key not listed (0 when none can be missing)
   * @param sinceMillis when the summary was created (epoch milliseconds)
   * @param entries the counted keys, by decreasing count
   */
  record Snapshot(int capacity, int stripes, long total, long minCount, long sinceMillis,
      List<SpaceSaving.Entry> entries) {}

  /**
   * The stripe each thread counts in first (shared by every summary: a hint), moved to the stripe
   * that was free when its own was busy, so two busy threads settle on different stripes.
   */
  private static final ThreadLocal<int[]> PREFERRED = ThreadLocal.withInitial(
      () -> new int[] {(int) Thread.currentThread().getId()});

  private final int capacity;
  private final long sinceMillis;
  private final AtomicReferenceArray<SpaceSaving> stripes;

  /**
   * @param capacity counters per stripe ({@code top-k}), at least 1
   * @param maxStripes the most stripes, a power of two
   * @param sinceMillis the creation time (epoch milliseconds) reported by snapshots
   */
  ReplicaSummary(int capacity, int maxStripes, long sinceMillis) {
    if (Integer.bitCount(maxStripes) != 1) {
      throw new IllegalArgumentException("maxStripes " + maxStripes + " is not a power of two");
    }
    this.capacity = capacity;
    this.sinceMillis = sinceMillis;
    this.stripes = new AtomicReferenceArray<>(maxStripes);
    stripes.set(0, new SpaceSaving(capacity));
  }

  /** The stripes for this host: the processors rounded up to a power of two, at most 8. */
  static int defaultStripes() {
    int cpus = Runtime.getRuntime().availableProcessors();
    int stripes = 1;
    while (stripes < cpus && stripes < 8) {
      stripes <<= 1;
    }
    return stripes;
  }

  /** Counts one lookup of {@code key}. */
  void offer(ByteKey key) {
    int n = stripes.length();
    int[] preferred = PREFERRED.get();
    int start = preferred[0] & (n - 1);
    for (int k = 0; k < n; k++) {
      int i = (start + k) & (n - 1);
      SpaceSaving s = stripes.get(i);
      if (s != null && s.tryOffer(key)) {
        preferred[0] = i;
        return;
      }
    }
    for (int k = 0; k < n; k++) { // every stripe busy: add one, if any is left
      int i = (start + k) & (n - 1);
      if (stripes.get(i) == null) {
        SpaceSaving created = new SpaceSaving(capacity);
        if (stripes.compareAndSet(i, null, created)) {
          created.offer(key);
          preferred[0] = i;
          return;
        }
      }
    }
    SpaceSaving own = stripes.get(start);
    (own == null ? stripes.get(0) : own).offer(key);
  }

  /** The lookups counted so far. */
  long total() {
    long total = 0;
    for (int i = 0; i < stripes.length(); i++) {
      SpaceSaving s = stripes.get(i);
      total += s == null ? 0 : s.total();
    }
    return total;
  }

  /** The stripes merged, at most {@code top} entries (ties in no set order). */
  Snapshot snapshot(int top) {
    List<SpaceSaving.Snapshot> parts = new ArrayList<>();
    for (int i = 0; i < stripes.length(); i++) {
      SpaceSaving s = stripes.get(i);
      if (s != null) {
        parts.add(s.snapshot());
      }
    }
    Map<ByteKey, long[]> merged = new HashMap<>();
    long total = 0;
    long minCount = 0;
    for (SpaceSaving.Snapshot part : parts) {
      total += part.total();
      minCount += part.minCount();
      part.entries().forEach(e -> merged.computeIfAbsent(new ByteKey(e.key()), k -> new long[2]));
    }
    for (SpaceSaving.Snapshot part : parts) {
      Map<ByteKey, SpaceSaving.Entry> listed = new HashMap<>();
      part.entries().forEach(e -> listed.put(new ByteKey(e.key()), e));
      merged.forEach((key, sums) -> {
        SpaceSaving.Entry e = listed.get(key);
        sums[0] += e == null ? part.minCount() : e.count();
        sums[1] += e == null ? part.minCount() : e.error();
      });
    }
    List<SpaceSaving.Entry> entries = new ArrayList<>(merged.size());
    merged.forEach((key, sums) -> entries.add(new SpaceSaving.Entry(key.bytes(), sums[0],
        sums[1])));
    entries.sort(Comparator.comparingLong(SpaceSaving.Entry::count).reversed());
    return new Snapshot(capacity, parts.size(), total, minCount, sinceMillis,
        List.copyOf(entries.subList(0, Math.min(Math.max(top, 0), entries.size()))));
  }
}
