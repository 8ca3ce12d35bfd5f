package dev.venice.plugins.rocksdbmetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.rocksdbmetrics.Sample.PartitionKey;
import dev.venice.plugins.rocksdbmetrics.Sample.Series;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sampler's arithmetic: sums over replicas and versions, per-level sums, counters that never
 * go backwards when replicas close or reopen, series dropped with their last replica, the hit
 * ratio from deltas, per-partition opt-in, absent tickers with statistics off.
 */
class EngineStatsSamplerTest {
  private final ManualTimeSource time = new ManualTimeSource();
  private final FakeEngineStats engine = new FakeEngineStats();

  private EngineStatsSampler sampler(Set<String> perPartition) {
    return new EngineStatsSampler(engine::engineStats, perPartition::contains, time);
  }

  @Test
  void storeSeriesSumEveryReplicaAndVersionAndEveryLevel() {
    engine.put("s", 1, 0, FakeEngineStats.busy(1, true))
        .put("s", 1, 1, FakeEngineStats.busy(10, true))
        .put("s", 2, 0, Map.of("rocksdb.num-files-at-level0", 1L,
            "rocksdb.sst-bytes-at-level0", 5L, "rocksdb.num-files-at-level3", 4L,
            "rocksdb.sst-bytes-at-level3", 400L, "rocksdb.flushes.completed", 1L));
    time.advance(Duration.ofSeconds(7));
    Sample sample = sampler(Set.of()).sample();
    assertEquals(time.now().toEpochMilli(), sample.atMillis());
    assertEquals(3, sample.replicas());
    assertTrue(sample.statistics());
    Series s = sample.stores().get("s");
    assertEquals(3, s.replicas());
    assertEquals(7000 * 11, s.values().get(Stat.COMPACTION_READ_BYTES));
    assertEquals(3 * 11 + 1, s.values().get(Stat.FLUSHES));
    assertEquals(2, s.values().get(Stat.COMPACTIONS_RUNNING));
    assertEquals(Map.of(0, 5L, 1, 2L, 3, 4L), s.levelFiles());
    assertEquals(Map.of(0, 2000 * 11 + 5L, 1, 5000 * 11L, 3, 400L), s.levelBytes());
    assertTrue(sample.partitions().isEmpty(), "per-partition is opt-in");
  }

  @Test
  void countersNeverGoBackwardsWhenAReplicaClosesOrReopens() {
    EngineStatsSampler sampler = sampler(Set.of("s"));
    engine.put("s", 1, 0, Map.of("rocksdb.flushes.completed", 5L))
        .put("s", 1, 1, Map.of("rocksdb.flushes.completed", 7L));
    assertEquals(12, flushes(sampler.sample()));
    engine.put("s", 1, 0, Map.of("rocksdb.flushes.completed", 8L));
    assertEquals(15, flushes(sampler.sample()));
    engine.remove("s", 1, 1); // closed: its 7 stay
    assertEquals(15, flushes(sampler.sample()));
    engine.put("s", 1, 0, Map.of("rocksdb.flushes.completed", 2L)); // reopened: restarted at 0
    Sample sample = sampler.sample();
    assertEquals(17, flushes(sample));
    assertEquals(5 + 3 + 2, sample.partitions().get(new PartitionKey("s", 0)).values()
        .get(Stat.FLUSHES), "partition 0: 5, +3, then 2 after the reopen");
    engine.put("s", 1, 1, Map.of("rocksdb.flushes.completed", 1L)); // a replica comes back
    assertEquals(18, flushes(sampler.sample()));
    assertEquals(1, sampler.sample().partitions().get(new PartitionKey("s", 1)).values()
        .get(Stat.FLUSHES), "a partition series gone and back starts again");
  }

  @Test
  void aSeriesGoesWithItsLastReplicaAndStartsAgainAtZero() {
    EngineStatsSampler sampler = sampler(Set.of());
    engine.put("s", 1, 0, Map.of("rocksdb.flushes.completed", 5L));
    sampler.sample();
    engine.remove("s", 1, 0);
    Sample empty = sampler.sample();
    assertTrue(empty.stores().isEmpty());
    assertFalse(empty.statistics());
    engine.put("s", 2, 0, Map.of("rocksdb.flushes.completed", 1L));
    assertEquals(1, flushes(sampler.sample()));
  }

  @Test
  void theHitRatioIsOfTheLookupsBetweenSamplesAndKeptWhenThereWereNone() {
    EngineStatsSampler sampler = sampler(Set.of());
    engine.put("s", 1, 0, Map.of("rocksdb.block.cache.hit", 0L, "rocksdb.block.cache.miss", 0L));
    assertTrue(Double.isNaN(sampler.sample().stores().get("s").hitRatio()), "no lookup yet");
    engine.put("s", 1, 0, Map.of("rocksdb.block.cache.hit", 10L,
        "rocksdb.block.cache.miss", 90L));
    assertEquals(0.1, sampler.sample().stores().get("s").hitRatio(), 1e-9);
    engine.put("s", 1, 0, Map.of("rocksdb.block.cache.hit", 110L,
        "rocksdb.block.cache.miss", 90L));
    assertEquals(1.0, sampler.sample().stores().get("s").hitRatio(), 1e-9,
        "the last interval's 100 hits, not the lifetime's 110 of 200");
    assertEquals(1.0, sampler.sample().stores().get("s").hitRatio(), 1e-9,
        "no lookup since: the last ratio stays");
  }

  @Test
  void withStatisticsOffNoTickerIsReported() {
    engine.put("s", 1, 0, FakeEngineStats.busy(1, false));
    Sample sample = sampler(Set.of()).sample();
    assertFalse(sample.statistics());
    Series s = sample.stores().get("s");
    for (Stat stat : Stat.values()) {
      assertEquals(!stat.ticker, s.values().containsKey(stat), stat.name());
    }
    assertTrue(Double.isNaN(s.hitRatio()));
  }

  @Test
  void namesThatAreNotLevelsAreIgnored() {
    engine.put("s", 1, 0, Map.of("rocksdb.num-files-at-level", 3L,
        "rocksdb.num-files-at-levelx", 3L, "rocksdb.num-files-at-level2", 3L));
    assertEquals(Map.of(2, 3L), sampler(Set.of()).sample().stores().get("s").levelFiles());
  }

  private static long flushes(Sample sample) {
    return sample.stores().get("s").values().get(Stat.FLUSHES);
  }
}
