package dev.venice.plugins.partitionskew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.host.PartitionStats;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Refresh requests coalesce onto the one snapshot in flight instead of queueing more. */
class StatsSnapshotsTest {
  @Test
  void refreshesWhileASnapshotIsInFlightQueueNoOther() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    StatsSnapshots snapshots = new StatsSnapshots(() -> {
      reads.incrementAndGet();
      return List.of(new PartitionStats("users", 1, 0, 10, 100));
    }, new ManualTimeSource());
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    Executor scheduler = queued::add; // a busy scheduler: nothing runs until the test says so

    for (int i = 0; i < 5; i++) {
      assertTrue(snapshots.fresh(scheduler, Duration.ofMillis(5)).stale(), "timed out: stale");
    }
    assertEquals(1, queued.size(), "one snapshot queued for five refreshes");
    queued.poll().run();
    assertEquals(1, reads.get());
    assertEquals(1, snapshots.taken());

    StatsSnapshots.Answer next = snapshots.fresh(Runnable::run, Duration.ofSeconds(1));
    assertFalse(next.stale());
    assertEquals(2, reads.get(), "once taken, the next refresh takes a new one");
  }

  @Test
  void aRefusedOrFailedSnapshotIsNotWaitedForAgain() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    StatsSnapshots snapshots = new StatsSnapshots(() -> {
      if (reads.incrementAndGet() == 1) {
        throw new IllegalStateException("disk gone");
      }
      return List.of();
    }, new ManualTimeSource());
    assertTrue(snapshots.fresh(Runnable::run, Duration.ofSeconds(1)).stale());
    assertTrue(snapshots.fresh(task -> {
      throw new RejectedExecutionException("stopped");
    }, Duration.ofSeconds(1)).stale());
    assertFalse(snapshots.fresh(Runnable::run, Duration.ofSeconds(1)).stale());
    assertEquals(2, reads.get());
  }
}
