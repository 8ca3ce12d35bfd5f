package dev.venice.plugins.hotkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Space-Saving's guarantees, on skewed and adversarial streams, and under concurrent updates. */
class SpaceSavingTest {
  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }

  private static int id(byte[] key) {
    return ByteBuffer.wrap(key).getInt();
  }

  /** A Zipf-like stream over {@code distinct} keys, and its true frequencies. */
  private static int[] zipfStream(int n, int distinct, long seed) {
    double[] cdf = new double[distinct];
    double sum = 0;
    for (int i = 0; i < distinct; i++) {
      sum += 1.0 / (i + 1);
      cdf[i] = sum;
    }
    Random random = new Random(seed);
    int[] stream = new int[n];
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = distinct - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      stream[i] = lo;
    }
    return stream;
  }

  private static void checkGuarantees(int[] stream, int capacity) {
    SpaceSaving summary = new SpaceSaving(capacity, 0);
    Map<Integer, Long> truth = new HashMap<>();
    for (int k : stream) {
      summary.offer(new ByteKey(key(k)));
      truth.merge(k, 1L, Long::sum);
    }
    SpaceSaving.Snapshot s = summary.snapshot(Integer.MAX_VALUE);
    long n = stream.length;
    assertEquals(n, s.total());
    assertEquals(n, s.entries().stream().mapToLong(SpaceSaving.Entry::count).sum(),
        "the counters sum to the stream's length");
    assertTrue(s.minCount() <= n / capacity, "min " + s.minCount() + " > N/K");
    Map<Integer, SpaceSaving.Entry> listed = s.entries().stream()
        .collect(Collectors.toMap(e -> id(e.key()), Function.identity()));
    for (SpaceSaving.Entry e : s.entries()) {
      long f = truth.get(id(e.key()));
      assertTrue(e.count() >= f && e.count() - e.error() <= f,
          "key " + id(e.key()) + ": count " + e.count() + " error " + e.error() + " true " + f);
      assertTrue(e.error() <= s.minCount(), "an error is at most the smallest counter");
    }
    truth.forEach((k, f) -> {
      if (f > n / capacity) {
        assertTrue(listed.containsKey(k), "key " + k + " seen " + f + " > N/K times is missing");
      }
      if (!listed.containsKey(k)) {
        assertTrue(f <= s.minCount(), "absent key " + k + " seen " + f + " > min");
      }
    });
    for (int i = 1; i < s.entries().size(); i++) {
      assertTrue(s.entries().get(i - 1).count() >= s.entries().get(i).count(), "sorted");
    }
  }

  @Test
  void guaranteesHoldOnSkewedStreams() {
    checkGuarantees(zipfStream(200_000, 50_000, 1), 100);
    checkGuarantees(zipfStream(50_000, 1_000, 2), 10);
    checkGuarantees(zipfStream(1_000, 10, 3), 100); // fewer keys than counters: exact
  }

  @Test
  void guaranteesHoldWhenTheHeavyKeysArriveLast() {
    int[] stream = new int[30_000];
    for (int i = 0; i < 20_000; i++) {
      stream[i] = 1_000 + i; // 20,000 distinct keys once each: constant replacement
    }
    for (int i = 20_000; i < 30_000; i++) {
      stream[i] = i % 4; // then four keys 2,500 times each
    }
    checkGuarantees(stream, 50);
  }

  @Test
  void aKeyCountedWithoutReplacementIsExact() {
    SpaceSaving summary = new SpaceSaving(2, 0);
    for (int i = 0; i < 7; i++) {
      summary.offer(new ByteKey(new byte[] {1}));
    }
    summary.offer(new ByteKey(new byte[] {2}));
    summary.offer(new ByteKey(new byte[] {3})); // replaces {2}: count 2, error 1
    SpaceSaving.Snapshot s = summary.snapshot(10);
    assertEquals(List.of(7L, 2L), s.entries().stream().map(SpaceSaving.Entry::count).toList());
    assertEquals(0, s.entries().get(0).error());
    assertEquals(1, s.entries().get(1).error());
    assertEquals(3, s.entries().get(1).key()[0]);
    assertEquals(2, s.minCount());
    assertEquals(1, summary.snapshot(1).entries().size());
  }

  @Test
  void keysAreComparedAsBytesAndCopiedWhenKept() {
    SpaceSaving summary = new SpaceSaving(4, 0);
    byte[] reused = {5, 6};
    summary.offer(new ByteKey(reused));
    reused[0] = 9; // the request's buffer is reused for another key
    summary.offer(new ByteKey(reused));
    summary.offer(new ByteKey(new byte[] {5, 6}));
    Map<Integer, Long> counts = summary.snapshot(4).entries().stream()
        .collect(Collectors.toMap(e -> (int) e.key()[0], SpaceSaving.Entry::count));
    assertEquals(Map.of(5, 2L, 9, 1L), counts);
  }

  @Test
  void concurrentUpdatesKeepTheTotalExactAndTheHotKeyFirst() throws Exception {
    SpaceSaving summary = new SpaceSaving(100, 0);
    int threads = 4;
    int perThread = 200_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          Random random = new Random(seed);
          start.await();
          for (int i = 0; i < perThread; i++) {
            int k = i % 10 == 0 ? -1 : random.nextInt(1_000_000); // one key is 10% of traffic
            summary.offer(new ByteKey(key(k)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    SpaceSaving.Snapshot s = summary.snapshot(Integer.MAX_VALUE);
    long n = (long) threads * perThread;
    assertEquals(n, s.total());
    assertEquals(n, s.entries().stream().mapToLong(SpaceSaving.Entry::count).sum());
    SpaceSaving.Entry hot = s.entries().get(0);
    assertEquals(-1, id(hot.key()));
    assertTrue(hot.count() >= n / 10 && hot.count() - hot.error() <= n / 10, hot.toString());
  }
}
