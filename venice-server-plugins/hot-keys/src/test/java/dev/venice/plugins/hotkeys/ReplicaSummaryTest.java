package dev.venice.plugins.hotkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replica's striped summary: concurrent readers keep the total exact, and the merged stripes keep
 * Space-Saving's guarantees against the true counts.
 */
class ReplicaSummaryTest {
  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }

  private static int id(byte[] key) {
    return ByteBuffer.wrap(key).getInt();
  }

  @Test
  void oneThreadUsesOneStripeAndTopCutsTheList() {
    ReplicaSummary summary = new ReplicaSummary(10, 8, 1234);
    for (int i = 0; i < 100; i++) {
      summary.offer(new ByteKey(key(i % 20)));
    }
    ReplicaSummary.Snapshot s = summary.snapshot(3);
    assertEquals(1, s.stripes(), "no contention, no second stripe");
    assertEquals(100, s.total());
    assertEquals(3, s.entries().size());
    assertEquals(1234, s.sinceMillis());
    assertTrue(s.entries().get(0).count() >= s.entries().get(2).count(), "by decreasing count");
  }

  @Test
  void concurrentReadersKeepTheTotalExactAndTheBoundsHold() throws Exception {
    int threads = 4;
    int perThread = 250_000;
    int k = 50;
    ReplicaSummary summary = new ReplicaSummary(k, 4, 0);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<Integer, Long>>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          Random random = new Random(seed);
          Map<Integer, Long> truth = new HashMap<>();
          start.await();
          for (int i = 0; i < perThread; i++) {
            int id = i % 10 == 0 ? -1 : i % 10 == 1 ? -2 : random.nextInt(100_000);
            summary.offer(new ByteKey(key(id)));
            truth.merge(id, 1L, Long::sum);
          }
          return truth;
        }));
      }
      start.countDown();
      Map<Integer, Long> truth = new HashMap<>();
      for (Future<Map<Integer, Long>> f : done) {
        f.get(60, TimeUnit.SECONDS).forEach((id, c) -> truth.merge(id, c, Long::sum));
      }
      ReplicaSummary.Snapshot s = summary.snapshot(Integer.MAX_VALUE);
      long n = (long) threads * perThread;
      assertEquals(n, s.total(), "no lookup lost or counted twice");
      assertTrue(s.minCount() <= n / k, "min " + s.minCount() + " > N/K");
      for (SpaceSaving.Entry e : s.entries()) {
        long f = truth.get(id(e.key()));
        assertTrue(e.count() >= f && e.count() - e.error() <= f,
            "key " + id(e.key()) + ": " + e.count() + " - " + e.error() + " vs true " + f);
      }
      truth.forEach((id, f) -> {
        if (f > n / k) {
          assertTrue(s.entries().stream().anyMatch(e -> id(e.key()) == id),
              "key " + id + " read " + f + " > N/K times is missing");
        }
      });
      assertEquals(List.of(-2, -1), s.entries().subList(0, 2).stream().map(e -> id(e.key()))
          .sorted().toList());
    } finally {
      pool.shutdownNow();
    }
  }
}
