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
    SpaceSaving summary = new SpaceSaving(capacity);
    Map<Integer, Long> truth = new HashMap<>();
    for (int k : stream) {
      summary.offer(new ByteKey(key(k)));
      truth.merge(k, 1L, Long::sum);
    }
    SpaceSaving.Snapshot s = summary.snapshot();
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
    SpaceSaving summary = new SpaceSaving(2);
    for (int i = 0; i < 7; i++) {
      summary.offer(new ByteKey(new byte[] {1}));
    }
    summary.offer(new ByteKey(new byte[] {2}));
    summary.offer(new ByteKey(new byte[] {3})); // replaces {2}: count 2, error 1
    SpaceSaving.Snapshot s = summary.snapshot();
    List<SpaceSaving.Entry> entries = s.entries().stream()
        .sorted((a, b) -> Long.compare(b.count(), a.count())).toList();
    assertEquals(List.of(7L, 2L), entries.stream().map(SpaceSaving.Entry::count).toList());
    assertEquals(0, entries.get(0).error());
    assertEquals(1, entries.get(1).error());
    assertEquals(3, entries.get(1).key()[0]);
    assertEquals(2, s.minCount());
    assertTrue(summary.tryOffer(new ByteKey(new byte[] {1})), "the lock is free");
    assertEquals(10, summary.total());
  }

  @Test
  void keysAreComparedAsBytesAndCopiedWhenKept() {
    SpaceSaving summary = new SpaceSaving(4);
    byte[] reused = {5, 6};
    summary.offer(new ByteKey(reused));
    reused[0] = 9; // the request's buffer is reused for another key
    summary.offer(new ByteKey(reused));
    summary.offer(new ByteKey(new byte[] {5, 6}));
    Map<Integer, Long> counts = summary.snapshot().entries().stream()
        .collect(Collectors.toMap(e -> (int) e.key()[0], SpaceSaving.Entry::count));
    assertEquals(Map.of(5, 2L, 9, 1L), counts);
  }

  @Test
  void theTableFindsEveryKeyThroughManyReplacements() {
    SpaceSaving summary = new SpaceSaving(64); // 256 slots: long probe runs and back-shifts
    Random random = new Random(11);
    Map<Integer, Long> truth = new HashMap<>();
    int n = 0;
    for (int round = 0; round < 200_000; round++) {
      int k = random.nextInt(4) == 0 ? random.nextInt(8) : random.nextInt(5_000);
      summary.offer(new ByteKey(key(k)));
      truth.merge(k, 1L, Long::sum);
      n++;
    }
    SpaceSaving.Snapshot s = summary.snapshot();
    assertEquals(64, s.entries().size());
    assertEquals(64, s.entries().stream().map(e -> id(e.key())).distinct().count(),
        "no key counted twice: a lost table entry would add a second counter");
    assertEquals(n, s.entries().stream().mapToLong(SpaceSaving.Entry::count).sum());
    for (int hot = 0; hot < 8; hot++) {
      int k = hot;
      assertTrue(s.entries().stream().anyMatch(e -> id(e.key()) == k), "hot key " + k);
    }
  }
}
