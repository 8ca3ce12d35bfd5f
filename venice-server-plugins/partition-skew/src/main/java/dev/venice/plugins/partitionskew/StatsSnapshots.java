package dev.venice.plugins.partitionskew;

import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A server's latest snapshot of the storage statistics of every partition replica it holds,
 * taken off the read path: by the background task every {@code stats-interval} and, on request,
 * on the plugin's scheduler. Readers ({@link #current()}) never touch storage: they read one
 * volatile reference. Asking for a fresh snapshot ({@link #fresh}) hands the work to the
 * scheduler and waits at most a bound; past it, the last snapshot is answered, marked stale. At
 * most one requested snapshot is queued or running at a time: requests arriving meanwhile wait
 * for that one instead of queueing another behind it on the single scheduler thread, and one
 * that times out leaves it running for the next request to pick up.
 *
 * <p>Thread-safe: a snapshot is immutable and replaced atomically; snapshots are taken on the
 * single scheduler thread (or the caller's, in tests).
 */
final class StatsSnapshots {
  /**
   * One snapshot.
   *
   * @param takenAt when it was taken; {@code null} for the initial, empty one
   * @param partitions every partition replica's numbers at that time
   */
  record Snapshot(Instant takenAt, List<PartitionStats> partitions) {
    static final Snapshot NONE = new Snapshot(null, List.of());

    Snapshot {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * A snapshot as answered: fresh when asked for and taken within the bound.
   *
   * @param snapshot the snapshot
   * @param stale whether a fresh one was asked for and did not come within the bound (or failed)
   */
  record Answer(Snapshot snapshot, boolean stale) {}

  private final Supplier<List<PartitionStats>> source;
  private final TimeSource time;
  private final AtomicReference<Snapshot> latest = new AtomicReference<>(Snapshot.NONE);
  private final AtomicLong taken = new AtomicLong();
  private final AtomicReference<CompletableFuture<Snapshot>> inFlight = new AtomicReference<>();

  /**
   * @param source the host's storage statistics (may be slow: reads RocksDB properties and walks
   *     directories)
   * @param time the clock stamping snapshots
   */
  StatsSnapshots(Supplier<List<PartitionStats>> source, TimeSource time) {
    this.source = source;
    this.time = time;
  }

  /** The number of snapshots taken so far (monotonic). */
  long taken() {
    return taken.get();
  }

  /** The latest snapshot; {@link Snapshot#NONE} before the first. Never blocks. */
  Snapshot current() {
    return latest.get();
  }

  /** Takes a snapshot now, on the calling thread, and makes it the latest. */
  Snapshot take() {
    Snapshot taken = new Snapshot(time.now(), source.get());
    latest.set(taken);
    this.taken.incrementAndGet();
    return taken;
  }

  /**
   * A fresh snapshot, waited for at most {@code bound}: the one already requested and not yet
   * taken, if any (it started at most one snapshot's duration before this call), else a new one
   * handed to {@code executor}; the latest one, marked stale, when it does not come in time,
   * fails or the executor refuses it. Never queues a second snapshot while one is in flight.
   */
  Answer fresh(Executor executor, Duration bound) throws InterruptedException {
    CompletableFuture<Snapshot> pending = inFlight.get();
    if (pending == null) {
      CompletableFuture<Snapshot> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        try {
          executor.execute(() -> {
            try {
              mine.complete(take());
            } catch (RuntimeException | Error e) {
              mine.completeExceptionally(e);
            } finally {
              inFlight.compareAndSet(mine, null);
            }
          });
        } catch (RejectedExecutionException e) {
          inFlight.compareAndSet(mine, null);
          mine.completeExceptionally(e);
        }
        pending = mine;
      } else {
        pending = inFlight.get();
        if (pending == null) { // taken and cleared in between: good enough, and fresh
          return new Answer(current(), false);
        }
      }
    }
    try {
      return new Answer(pending.get(bound.toNanos(), TimeUnit.NANOSECONDS), false);
    } catch (TimeoutException | ExecutionException e) {
      return new Answer(current(), true);
    }
  }

  /** The newest version of {@code store} in the latest snapshot. */
  Optional<Integer> latestVersion(String store) {
    return current().partitions().stream().filter(p -> p.store().equals(store))
        .map(PartitionStats::version).max(Integer::compare);
  }
}
