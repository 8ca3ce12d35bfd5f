package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

/**
 * {@link StorageRetry} on a manual clock whose sleeps advance it: a transient storage failure
 * delays the write with doubling, capped delays and loses nothing (checked on a real RocksDB
 * partition store); a lasting one fails the replica after the timeout; a stopping replica stops
 * retrying.
 */
class StorageRetryTest {
  private static final long MS = 1_000_000;

  @TempDir Path dir;

  private long now;
  private final List<Long> sleptMs = new ArrayList<>();
  private final Counter failures = Counter.builder("failures").register(new SimpleMeterRegistry());
  private final AtomicBoolean running = new AtomicBoolean(true);

  private StorageRetry retry(Duration timeout) {
    return new StorageRetry("users_v1 partition 0", timeout, () -> now, nanos -> {
      sleptMs.add(nanos / MS);
      now += nanos;
    }, running::get, failures);
  }

  /** A write that fails {@code times} times as a full disk would, then runs {@code then}. */
  private static StorageRetry.StorageWrite failing(int times, StorageRetry.StorageWrite then) {
    int[] calls = {0};
    return () -> {
      if (calls[0]++ < times) {
        throw new RocksDBException("IO error: No space left on device");
      }
      then.run();
    };
  }

  @Test
  void aTransientFailureIsRetriedWithBackoffAndTheRecordIsApplied() throws Exception {
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    byte[] value = PartitionStore.record(1, "v".getBytes(StandardCharsets.UTF_8));
    try (PartitionStore store = PartitionStore.open(dir.resolve("p0"), false)) {
      retry(Duration.ofSeconds(60)).run(failing(4,
          () -> store.apply(7, "producer", 1, -1, key, value)));
      assertArrayEquals(value, store.get(key));
      assertEquals(7, store.checkpointOffset(), "the record's offset is the checkpoint");
    }
    assertEquals(List.of(50L, 100L, 200L, 400L), sleptMs);
    assertEquals(4, failures.count());
  }

  @Test
  void delaysDoubleUpToTheCapAndALastingFailureFailsTheReplicaAfterTheTimeout() {
    RocksDBException lasting = new RocksDBException("IO error: input/output error");
    StorageRetry.StorageWrite broken = () -> {
      throw lasting;
    };
    assertSame(lasting, assertThrows(RocksDBException.class,
        () -> retry(Duration.ofSeconds(30)).run(broken)));
    assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L, 5000L),
        sleptMs);
    assertTrue(now <= Duration.ofSeconds(30).toNanos(), "gave up within the timeout: " + now);
    assertEquals(sleptMs.size() + 1, failures.count());
  }

  @Test
  void aZeroTimeoutFailsAtTheFirstError() {
    assertThrows(RocksDBException.class,
        () -> retry(Duration.ZERO).run(failing(1, () -> { })));
    assertEquals(List.of(), sleptMs);
  }

  @Test
  void aStoppingReplicaStopsRetrying() {
    StorageRetry.StorageWrite stopsDuringTheThirdAttempt = failing(10, () -> { });
    int[] attempts = {0};
    assertThrows(RocksDBException.class, () -> retry(Duration.ofSeconds(60)).run(() -> {
      if (++attempts[0] == 3) {
        running.set(false);
      }
      stopsDuringTheThirdAttempt.run();
    }));
    assertEquals(3, attempts[0]);
    assertEquals(List.of(50L, 100L), sleptMs);
  }
}
