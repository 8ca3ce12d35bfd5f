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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A server's latest snapshot of the storage statistics of every partition replica it holds,
 * taken off the read path: by the background task every {@code stats-interval} and, on request,
 * on the plugin's scheduler. Readers ({@link #current()}) never touch storage: they read one
 * volatile reference. Asking for a fresh snapshot ({@link #fresh}) hands the work to the
 * scheduler and waits at most a bound; past it, the last snapshot is answered, marked stale.
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
  private final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();

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
   * A snapshot taken on {@code executor} after this call, waited for at most {@code bound}; the
   * latest one, marked stale, when it does not come in time, fails or the executor refuses it.
   */
  Answer fresh(Executor executor, Duration bound) throws InterruptedException {
    CompletableFuture<Snapshot> taken;
    try {
      taken = CompletableFuture.supplyAsync(this::take, executor);
    } catch (RejectedExecutionException e) {
      return new Answer(current(), true);
    }
    try {
      return new Answer(taken.get(bound.toNanos(), TimeUnit.NANOSECONDS), false);
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
