package dev.venice.plugins.writepathlatency;

import static dev.venice.plugins.writepathlatency.WritePathLatencyPluginTest.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.WritePathTimestampMap;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deltas of sampled writes on a leader and a follower, with the context's manual clock as
 * {@code t_rocksdb_written}: values in the right histograms (milliseconds), headers that cannot
 * be used, negative deltas (clock skew), unsampled records, and the cardinality guard.
 */
class WritePathLatencyHookTest {
  private static final String P = "venice.server.write.path.latency.";
  private TestingPluginContext context;
  private IngestionRecordHook hook;

  private void start(String... config) throws Exception {
    TestingPluginContext.Builder builder = TestingPluginContext.builder(
        new WritePathLatencyPlugin());
    for (int i = 0; i < config.length; i += 2) {
      builder.config(config[i], config[i + 1]);
    }
    context = builder.build();
    hook = context.start().ingestionHooks().get(0);
  }

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  /** The clock's now in epoch microseconds: {@code t_rocksdb_written} of the next record. */
  private long nowMicros() {
    return WritePathTimestampMap.epochMicros(context.time().now());
  }

  private static byte[] stamps(long produced, long leaderReceived) {
    return new WritePathTimestampMap(produced, leaderReceived).encode();
  }

  /** The timer of {@code hop} (e.g. {@code kafka.queue}) for {@code store}, or null. */
  private Timer timer(String hop, String store) {
    return context.meterRegistry().find(P + hop + ".latency").tag("store", store).timer();
  }

  /** The total time of {@code hop} for store {@code users}, in milliseconds. */
  private double totalMs(String hop) {
    return timer(hop, "users").totalTime(TimeUnit.MILLISECONDS);
  }

  private double negatives(String store, String hop) {
    Counter counter = context.meterRegistry().find(P + "negative.deltas").tag("store", store)
        .tag("hop", hop).counter();
    return counter == null ? 0 : counter.count();
  }

  private double unusable() {
    return context.meterRegistry().get(P + "headers.unusable").counter().count();
  }

  @Test
  void aLeaderRecordsTheQueueItsProcessingAndEndToEnd() throws Exception {
    start();
    long written = nowMicros();
    // produced 25 ms before the write; the leader dequeued it 5.5 ms before the write
    hook.afterApply(record("users", stamps(written - 25_000, written - 5_500), true));
    assertEquals(19.5, totalMs("kafka.queue"), 1e-9);
    assertEquals(5.5, totalMs("leader.processing"), 1e-9);
    assertEquals(25.0, totalMs("end.to.end"), 1e-9);
    assertEquals(0, timer("follower.replication", "users").count());
    for (String name : List.of("kafka.queue", "leader.processing", "end.to.end")) {
      assertEquals(1, timer(name, "users").count(), name);
    }
    assertEquals(0, unusable());
  }

  @Test
  void theClockIsReadAfterTheWrite() throws Exception {
    start();
    long produced = nowMicros();
    context.time().advance(Duration.ofMillis(300)); // the write happens 300 ms later
    hook.afterApply(record("users", stamps(produced, produced + 100_000), true));
    assertEquals(100.0, totalMs("kafka.queue"), 1e-9);
    assertEquals(200.0, totalMs("leader.processing"), 1e-9);
    assertEquals(300.0, totalMs("end.to.end"), 1e-9);
  }

  @Test
  void aFollowerRecordsOnlyItsReplication() throws Exception {
    start();
    long written = nowMicros();
    hook.afterApply(record("users", stamps(written - 9_000, written - 2_000), false));
    Timer replication = timer("follower.replication", "users");
    assertEquals(1, replication.count());
    assertEquals(2.0, replication.totalTime(TimeUnit.MILLISECONDS), 1e-9);
    for (String name : List.of("kafka.queue", "leader.processing", "end.to.end")) {
      assertEquals(0, timer(name, "users").count(), name);
    }
  }

  @Test
  void valuesLandInSubMillisecondAndMillisecondBuckets() throws Exception {
    start();
    long written = nowMicros();
    hook.afterApply(record("users", stamps(written - 1_500, written - 400), true)); // 1.1/0.4/1.5
    hook.afterApply(record("users", stamps(written - 70_000, written - 3_000), true)); // 67/3/70
    CountAtBucket[] buckets = timer("leader.processing", "users").takeSnapshot()
        .histogramCounts();
    assertEquals(WritePathLatencyMetrics.BUCKETS_MS.length, buckets.length);
    assertEquals(0, count(buckets, 0.2));
    assertEquals(1, count(buckets, 0.5)); // 0.4 ms
    assertEquals(1, count(buckets, 2));
    assertEquals(2, count(buckets, 5));
    CountAtBucket[] endToEnd = timer("end.to.end", "users").takeSnapshot()
        .histogramCounts();
    assertEquals(0, count(endToEnd, 1));
    assertEquals(1, count(endToEnd, 2));
    assertEquals(1, count(endToEnd, 50));
    assertEquals(2, count(endToEnd, 100));
  }

  private static double count(CountAtBucket[] buckets, double le) {
    for (CountAtBucket bucket : buckets) {
      if (Math.abs(bucket.bucket(TimeUnit.MILLISECONDS) - le) < 1e-9) {
        return bucket.count();
      }
    }
    throw new AssertionError("no bucket le=" + le + " in " + java.util.Arrays.toString(buckets));
  }

  @Test
  void aNegativeDeltaIsCountedAndRecordedAsZero() throws Exception {
    start();
    long written = nowMicros();
    // the producer's clock runs 4 ms ahead: the leader's dequeue looks 1 ms before the send
    hook.afterApply(record("users", stamps(written + 1_000, written - 2_000), true));
    assertEquals(1, negatives("users", "kafka_queue"));
    assertEquals(1, negatives("users", "end_to_end"));
    assertEquals(0, negatives("users", "leader_processing"));
    assertEquals(1, timer("kafka.queue", "users").count());
    assertEquals(0.0, totalMs("kafka.queue"));
    assertEquals(0.0, totalMs("end.to.end"));
    assertEquals(2.0, totalMs("leader.processing"), 1e-9);
    // a follower whose clock is behind the leader's
    hook.afterApply(record("users", stamps(written - 9_000, written + 500), false));
    assertEquals(1, negatives("users", "follower_replication"));
    assertEquals(0.0, totalMs("follower.replication"));
  }

  @Test
  void headersWithoutALeaderStampOrOfABadLengthAreUnusable() throws Exception {
    start();
    long written = nowMicros();
    hook.afterApply(record("users", WritePathTimestampMap.produced(written - 1_000).encode(),
        true));
    hook.afterApply(record("users", new byte[4], true));
    hook.afterApply(record("users", new byte[12], false));
    hook.afterApply(record("users", new byte[0], false));
    assertEquals(4, unusable());
    Timer queue = timer("kafka.queue", "users");
    assertTrue(queue == null || queue.count() == 0);
    // a longer map from a newer producer still yields its first two stamps
    byte[] longer = new byte[24];
    System.arraycopy(stamps(written - 3_000, written - 1_000), 0, longer, 0, 16);
    hook.afterApply(record("users", longer, true));
    assertEquals(2.0, totalMs("kafka.queue"), 1e-9);
    assertEquals(4, unusable());
  }

  @Test
  void unsampledRecordsCreateAndRecordNothing() throws Exception {
    start();
    MeterRegistry registry = context.meterRegistry();
    List<String> before = names(registry);
    for (boolean leader : new boolean[] {true, false}) {
      hook.afterApply(record("users", null, leader));
    }
    assertEquals(before, names(registry));
    assertNull(timer("kafka.queue", "users"));
    assertEquals(0, unusable());
    assertEquals(0, registry.get(P + "stores.tracked").gauge().value());
  }

  private static List<String> names(MeterRegistry registry) {
    List<String> names = new ArrayList<>();
    registry.forEachMeter(m -> names.add(m.getId().toString()));
    names.sort(null);
    return names;
  }

  @Test
  void storesBeyondTheCapShareTheOtherSeries() throws Exception {
    start("max-stores", "1");
    long written = nowMicros();
    hook.afterApply(record("a", stamps(written - 2_000, written - 1_000), true));
    hook.afterApply(record("b", stamps(written - 4_000, written - 1_000), true));
    hook.afterApply(record("c", stamps(written - 6_000, written - 1_000), true));
    assertEquals(1, timer("kafka.queue", "a").count());
    assertNull(timer("kafka.queue", "b"));
    Timer other = timer("kafka.queue", WritePathLatencyMetrics.OTHER);
    assertEquals(2, other.count());
    assertEquals(8.0, other.totalTime(TimeUnit.MILLISECONDS), 1e-9);
    assertEquals(1, context.meterRegistry().get(P + "stores.tracked").gauge().value());
  }

  @Test
  void theDeltasOfOneWrite() {
    List<String> seen = new ArrayList<>();
    WritePathDeltas.Sink sink = (hop, micros) -> seen.add(hop.tag + "=" + micros);
    WritePathTimestampMap stamps = new WritePathTimestampMap(100, 350);
    assertTrue(WritePathDeltas.compute(stamps, true, 1_000, sink));
    assertTrue(WritePathDeltas.compute(stamps, false, 1_200, sink));
    assertFalse(WritePathDeltas.compute(WritePathTimestampMap.produced(100), true, 1_000, sink));
    assertArrayEquals(new String[] {"kafka_queue=250", "leader_processing=650", "end_to_end=900",
        "follower_replication=850"}, seen.toArray());
  }
}
