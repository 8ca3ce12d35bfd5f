package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The bounded counter: exact below capacity; above it at most {@code capacity} entries, the total
 * exact, {@code count - error <= true <= count}, every partition above the error bound listed;
 * the same under four threads with evictions racing increments.
 */
class PartitionCountsTest {
  private static PartitionId p(int partition) {
    return new PartitionId("s", 1, partition);
  }

  @Test
  void countsAreExactBelowCapacity() {
    PartitionCounts counts = new PartitionCounts(10);
    for (int i = 0; i < 5; i++) {
      for (int n = 0; n <= i; n++) {
        counts.add(p(i));
      }
    }
    counts.add(new PartitionId("other", 1, 0));
    PartitionCounts.Snapshot s = counts.snapshot();
    assertEquals(16, s.total());
    assertFalse(s.evicted());
    assertEquals(0, s.errorBound());
    assertEquals(6, s.entries().size());
    assertEquals(p(4), s.entries().get(0).id());
    assertEquals(5, s.entries().get(0).count());
    s.entries().forEach(e -> assertEquals(0, e.error(), e.toString()));
  }

  @Test
  void manyMorePartitionsThanCountersKeepMemoryBoundedAndTheHotOnesListed() {
    int capacity = 50;
    PartitionCounts counts = new PartitionCounts(capacity);
    Map<PartitionId, Long> truth = new HashMap<>();
    Random random = new Random(45);
    long n = 0;
    for (int i = 0; i < 200_000; i++) {
      // partition 0 takes 20%, 1..3 take 5% each, the rest spread over 100,000 partitions
      double u = random.nextDouble();
      int partition = u < 0.2 ? 0 : u < 0.35 ? 1 + (int) ((u - 0.2) / 0.05)
          : 10 + random.nextInt(100_000);
      counts.add(p(partition));
      truth.merge(p(partition), 1L, Long::sum);
      n++;
    }
    PartitionCounts.Snapshot s = counts.snapshot();
    assertTrue(s.entries().size() <= capacity, "entries: " + s.entries().size());
    assertEquals(n, s.total(), "every lookup is counted once, tracked or evicted");
    assertTrue(s.evicted());
    long bound = s.errorBound();
    assertTrue(bound <= (n + capacity - 6) / (capacity - 5), "bound " + bound);
    for (PartitionCounts.Entry e : s.entries()) {
      long t = truth.get(e.id());
      assertTrue(e.count() - e.error() <= t && t <= e.count(), e + " true " + t);
      assertTrue(e.error() <= bound, e + " bound " + bound);
    }
    List<PartitionId> listed = s.entries().stream().map(PartitionCounts.Entry::id).toList();
    truth.forEach((id, t) -> {
      if (t > bound) {
        assertTrue(listed.contains(id), id + " has " + t + " > " + bound + " lookups");
      }
    });
    assertEquals(List.of(p(0)), listed.subList(0, 1), "the hottest first");
    assertTrue(listed.subList(1, 4).containsAll(List.of(p(1), p(2), p(3))), listed.toString());
  }

  @Test
  void fourThreadsKeepTheTotalExactAndTheBoundsWhileEvicting() throws Exception {
    int capacity = 20;
    PartitionCounts counts = new PartitionCounts(capacity);
    int threads = 4;
    int perThread = 100_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<PartitionId, Long>>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      done.add(pool.submit(() -> {
        Random random = new Random(seed);
        Map<PartitionId, Long> truth = new HashMap<>();
        start.await();
        for (int i = 0; i < perThread; i++) {
          int partition = random.nextInt(2) == 0 ? 7 : 100 + random.nextInt(1_000);
          counts.add(p(partition));
          truth.merge(p(partition), 1L, Long::sum);
        }
        return truth;
      }));
    }
    start.countDown();
    Map<PartitionId, Long> truth = new HashMap<>();
    for (Future<Map<PartitionId, Long>> f : done) {
      f.get().forEach((id, n) -> truth.merge(id, n, Long::sum));
    }
    pool.shutdown();
    PartitionCounts.Snapshot s = counts.snapshot();
    assertEquals((long) threads * perThread, s.total(), "no lookup lost or counted twice");
    assertTrue(s.entries().size() <= capacity);
    PartitionCounts.Entry first = s.entries().get(0);
    assertEquals(p(7), first.id());
    long hot = truth.get(p(7));
    assertTrue(first.count() - first.error() <= hot && hot <= first.count(),
        first + " true " + hot);
    for (PartitionCounts.Entry e : s.entries()) {
      long t = truth.get(e.id());
      assertTrue(t <= e.count() && e.count() - e.error() <= t, e + " true " + t);
    }
  }
}
