package dev.venice.plugins.datafreshness;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The core: the newest producer timestamp each partition (of each store) saw, and its windowed
 * view taken by a sampler.
 *
 * <p><b>Per record</b> ({@link #observe}), on a partition's ingestion thread: a map look-up by
 * store name, an array read by partition and a compare-and-set max of one {@code long}; no
 * allocation (after the partition's first record) and no clock read.
 *
 * <p><b>Per sample</b> ({@link #sample}), on the sampler's thread: each partition's newest
 * timestamp since the last sample is taken (and reset) and kept with the sample's monotonic time;
 * those older than the window are dropped; the newest kept is the partition's "newest producer
 * timestamp seen in the last window" (to within one sample interval). A store's is the newest of
 * its partitions'. The result is an immutable {@link Sample} read by the gauges and the endpoint.
 *
 * <p>A partition is tracked from its first record or its replica's opening until its last replica
 * on this server closes (a partition may have replicas of two versions here during a push). Thread
 * safe: records of one partition come from one thread; the sampler runs on another; opening and
 * closing a replica lock its store.
 */
final class FreshnessTracker {
  /** "No timestamp": the value of a partition that saw none since the last sample. */
  static final long NONE = Long.MIN_VALUE;

  private final long windowNanos;
  private final Map<String, StoreTimestamps> stores = new ConcurrentHashMap<>();

  /** @param windowNanos how long a sampled timestamp counts */
  FreshnessTracker(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /**
   * A record of {@code store}'s {@code partition} with its producer's timestamp was applied.
   *
   * @param producerTimestampMs epoch milliseconds, positive (callers skip "not available")
   */
  void observe(String store, int partition, long producerTimestampMs) {
    StoreTimestamps timestamps = stores.get(store);
    if (timestamps == null) {
      timestamps = stores.computeIfAbsent(store, s -> new StoreTimestamps());
    }
    timestamps.partition(partition).observe(producerTimestampMs);
  }

  /** A replica of {@code store}'s {@code partition} opened on this server. */
  void opened(String store, int partition) {
    stores.computeIfAbsent(store, s -> new StoreTimestamps()).opened(partition);
  }

  /** A replica closed; the partition is dropped when it was its last replica here. */
  void closed(String store, int partition) {
    StoreTimestamps timestamps = stores.get(store);
    if (timestamps != null) {
      timestamps.closed(partition);
    }
  }

  /**
   * Takes one sample: the newest producer timestamp per partition and per store within the window
   * ending at {@code nowNanos}, for the stores {@code tracked} accepts (hybrid stores with the
   * plugin switched on); other stores' timestamps since the last sample are dropped unread.
   *
   * @param nowNanos the monotonic time of the sample
   * @param tracked which stores to report
   */
  Sample sample(long nowNanos, Predicate<String> tracked) {
    Map<String, StoreSample> result = new TreeMap<>();
    stores.forEach((name, timestamps) -> {
      boolean report = tracked.test(name);
      Map<Integer, Long> partitions = new TreeMap<>();
      long newest = NONE;
      for (PartitionTimestamps p : timestamps.partitions()) {
        if (p == null) {
          continue;
        }
        long inWindow = p.sample(nowNanos, windowNanos, report);
        if (report) {
          partitions.put(p.partition, inWindow);
          newest = Math.max(newest, inWindow);
        }
      }
      if (report) {
        result.put(name, new StoreSample(name, newest, Map.copyOf(partitions)));
      }
    });
    return new Sample(Map.copyOf(result));
  }

  /** Partitions tracked now, over all stores. */
  int partitionsTracked() {
    int count = 0;
    for (StoreTimestamps timestamps : stores.values()) {
      for (PartitionTimestamps p : timestamps.partitions()) {
        if (p != null) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * One sample of every reported store.
   *
   * @param stores by name
   */
  record Sample(Map<String, StoreSample> stores) {
    /** Before the first sample. */
    static final Sample EMPTY = new Sample(Map.of());
  }

  /**
   * One store's sample.
   *
   * @param store the store
   * @param newestMs the newest producer timestamp (epoch ms) of any of its partitions in the
   *     window, or {@link #NONE}
   * @param partitions partition to its newest producer timestamp in the window, or {@link #NONE}
   */
  record StoreSample(String store, long newestMs, Map<Integer, Long> partitions) {}

  /** One store's partitions, by partition number; the array is replaced under the lock. */
  private static final class StoreTimestamps {
    private volatile PartitionTimestamps[] partitions = new PartitionTimestamps[0];

    PartitionTimestamps[] partitions() {
      return partitions;
    }

    PartitionTimestamps partition(int partition) {
      PartitionTimestamps[] current = partitions;
      PartitionTimestamps p = partition < current.length ? current[partition] : null;
      return p != null ? p : create(partition);
    }

    synchronized void opened(int partition) {
      create(partition).openReplicas++;
    }

    synchronized void closed(int partition) {
      PartitionTimestamps[] current = partitions;
      PartitionTimestamps p = partition < current.length ? current[partition] : null;
      if (p != null && --p.openReplicas <= 0) {
        PartitionTimestamps[] next = current.clone();
        next[partition] = null;
        partitions = next;
      }
    }

    private synchronized PartitionTimestamps create(int partition) {
      PartitionTimestamps[] current = partitions;
      if (partition < current.length && current[partition] != null) {
        return current[partition];
      }
      PartitionTimestamps[] next = Arrays.copyOf(current, Math.max(current.length,
          partition + 1));
      next[partition] = new PartitionTimestamps(partition);
      partitions = next;
      return next[partition];
    }
  }

  /** One partition: the newest timestamp since the last sample, and the sampled ones. */
  private static final class PartitionTimestamps {
    final int partition;
    /** Max-updated per record, taken and reset per sample. */
    private final AtomicLong sinceSample = new AtomicLong(NONE);
    /** Sampler thread only: {monotonic sample time, newest timestamp}, oldest first. */
    private final ArrayDeque<long[]> sampled = new ArrayDeque<>();
    /** Under the store's lock. */
    int openReplicas;

    PartitionTimestamps(int partition) {
      this.partition = partition;
    }

    void observe(long timestampMs) {
      long current = sinceSample.get();
      while (timestampMs > current && !sinceSample.compareAndSet(current, timestampMs)) {
        current = sinceSample.get();
      }
    }

    /** The newest timestamp within the window; keeps the new one only when reported. */
    long sample(long nowNanos, long windowNanos, boolean keep) {
      long newest = sinceSample.getAndSet(NONE);
      if (keep && newest != NONE) {
        sampled.addLast(new long[] {nowNanos, newest});
      }
      while (!sampled.isEmpty() && nowNanos - sampled.peekFirst()[0] >= windowNanos) {
        sampled.removeFirst();
      }
      long inWindow = NONE;
      for (long[] s : sampled) {
        inWindow = Math.max(inWindow, s[1]);
      }
      return inWindow;
    }
  }
}
