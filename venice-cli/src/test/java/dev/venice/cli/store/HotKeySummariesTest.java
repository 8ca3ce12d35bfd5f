package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.store.HotKeySummaries.Entry;
import dev.venice.cli.store.HotKeySummaries.Summary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merge rule: counts and errors add, a full summary not listing a key adds its minimum to
 * both, and merged bounds hold against the true counts of simulated replicas.
 */
class HotKeySummariesTest {
  @Test
  void countsAddAndAFullSummaryAddsItsMinimumForAKeyItDoesNotList() {
    Summary a = new Summary(100, 5, List.of(new Entry("x", 50, 0), new Entry("y", 10, 4),
        new Entry("z", 5, 5)));
    Summary b = new Summary(60, 0, List.of(new Entry("x", 40, 0), new Entry("w", 20, 0)));
    Summary merged = HotKeySummaries.merge(List.of(a, b));
    assertEquals(160, merged.total());
    assertEquals(5, merged.minCount());
    assertEquals(List.of(new Entry("x", 90, 0), new Entry("w", 25, 5), new Entry("y", 10, 4),
        new Entry("z", 5, 5)), merged.entries(),
        "w absent from the full summary a: +5 to its count and error; y absent from b (not full)"
            + ": nothing added");
  }

  @Test
  void mergedCountsAreUpperBoundsWhereANaiveSumIsNot() {
    // h is not listed by the full r2, so it may have been read up to 30 times there: a naive sum
    // (400) could be below its true count, the merge's 430 cannot
    Summary r1 = new Summary(1000, 30, List.of(new Entry("h", 400, 0), new Entry("k", 35, 29)));
    Summary r2 = new Summary(1000, 30, List.of(new Entry("k", 300, 0)));
    Summary merged = HotKeySummaries.merge(List.of(r1, r2));
    assertEquals(new Entry("h", 430, 30), merged.entries().get(0));
    assertEquals(new Entry("k", 335, 29), merged.entries().get(1));
  }

  @Test
  void partitionsAreListedTogetherWithoutCorrection() {
    Summary p0 = new Summary(100, 3, List.of(new Entry("a", 50, 0)));
    Summary p1 = new Summary(80, 7, List.of(new Entry("b", 60, 2)));
    Summary all = HotKeySummaries.union(List.of(p0, p1));
    assertEquals(180, all.total());
    assertEquals(List.of(new Entry("b", 60, 2), new Entry("a", 50, 0)), all.entries());
  }

  /** A Space-Saving summary computed here, as the server does, for the property test. */
  private static Summary spaceSaving(List<String> stream, int k) {
    Map<String, long[]> counters = new HashMap<>();
    for (String key : stream) {
      long[] c = counters.get(key);
      if (c != null) {
        c[0]++;
      } else if (counters.size() < k) {
        counters.put(key, new long[] {1, 0});
      } else {
        String min = counters.entrySet().stream().min(Map.Entry.comparingByValue(
            (x, y) -> Long.compare(x[0], y[0]))).orElseThrow().getKey();
        long m = counters.remove(min)[0];
        counters.put(key, new long[] {m + 1, m});
      }
    }
    long min = counters.size() < k ? 0
        : counters.values().stream().mapToLong(c -> c[0]).min().orElse(0);
    List<Entry> entries = new ArrayList<>();
    counters.forEach((key, c) -> entries.add(new Entry(key, c[0], c[1])));
    return new Summary(stream.size(), min, entries);
  }

  @Test
  void mergedBoundsHoldForReplicasSharingAPartitionsReads() {
    Random random = new Random(7);
    List<List<String>> replicas = List.of(new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    Map<String, Long> truth = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      String key = random.nextInt(10) < 3 ? "hot" + random.nextInt(3)
          : "k" + (int) Math.abs(random.nextGaussian() * 400);
      replicas.get(random.nextInt(3)).add(key);
      truth.merge(key, 1L, Long::sum);
    }
    int k = 20;
    Summary merged = HotKeySummaries.merge(replicas.stream().map(r -> spaceSaving(r, k))
        .toList());
    assertEquals(30_000, merged.total());
    for (Entry e : merged.entries()) {
      long f = truth.get(e.key());
      assertTrue(e.count() >= f && e.count() - e.error() <= f,
          e + " against the true count " + f);
    }
    assertEquals(List.of("hot0", "hot1", "hot2"), merged.entries().subList(0, 3).stream()
        .map(Entry::key).sorted().toList());
    truth.forEach((key, f) -> {
      if (f > merged.total() / k) {
        assertTrue(merged.entries().stream().anyMatch(e -> e.key().equals(key)),
            key + " seen " + f + " times is missing");
      }
    });
  }
}
