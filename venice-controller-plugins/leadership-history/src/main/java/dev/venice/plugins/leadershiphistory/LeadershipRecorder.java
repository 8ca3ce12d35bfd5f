package dev.venice.plugins.leadershiphistory;

import dev.venice.spi.controller.LeadershipChange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The plugin's leadership listener: each change becomes a {@link LeadershipEvent}, counted and
 * written to the {@link LeadershipHistory} on a thread of the plugin's own, in order, so the
 * election never waits for ZooKeeper; a loss is waited for (up to 10 s) on the host's leadership
 * thread, so it is recorded before this controller leaves the election. A write that fails is
 * logged and counted, never retried forever (the successor infers a missing loss). Thread-safe.
 */
final class LeadershipRecorder implements Consumer<LeadershipChange>, AutoCloseable {
  /** How long a loss may take to be written before the host's thread moves on. */
  private static final long LOSS_WRITE_TIMEOUT_SECONDS = 10;
  private final LeadershipHistory history;
  private final LeadershipHistoryMetrics metrics;
  private final Logger log;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "leadership-history");
    t.setDaemon(true);
    return t;
  });
  /** When this controller noticed each term it gained (ms, its clock), for the term's length. */
  private final Map<Long, Long> gainedAtMs = new ConcurrentHashMap<>();

  LeadershipRecorder(LeadershipHistory history, LeadershipHistoryMetrics metrics, Logger log) {
    this.history = history;
    this.metrics = metrics;
    this.log = log;
  }

  @Override
  public void accept(LeadershipChange change) {
    long observed = change.observedAt().toEpochMilli();
    LeadershipEvent event;
    if (change.leader()) {
      gainedAtMs.put(change.termZxid(), observed);
      metrics.acquired();
      event = new LeadershipEvent(LeadershipEvent.ACQUIRED, change.instanceId(),
          change.termZxid(), change.termStartMs(), observed, -1, false);
    } else {
      Long gained = gainedAtMs.remove(change.termZxid());
      long durationMs = gained == null ? -1 : observed - gained;
      metrics.lost(durationMs < 0 ? -1 : durationMs / 1000.0);
      event = new LeadershipEvent(LeadershipEvent.LOST, change.instanceId(), change.termZxid(),
          change.termStartMs(), observed, durationMs, false);
    }
    Future<?> written;
    try {
      written = writer.submit(() -> write(event));
    } catch (RejectedExecutionException closed) {
      log.warn("leadership event {} not recorded: the plugin is stopping", event);
      return;
    }
    if (!event.acquired()) {
      // a loss is written before this returns (the host's leadership thread may wait; Helix's
      // election does not): a stopping controller leaves the election only after its loss is
      // recorded, so a successor's gain cannot come first and close the term by inference
      try {
        written.get(LOSS_WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("leadership event {} not yet recorded after {} s", event,
            LOSS_WRITE_TIMEOUT_SECONDS, e);
      }
    }
  }

  private void write(LeadershipEvent event) {
    try {
      history.record(event);
      log.info("recorded leadership event {}", event);
    } catch (RuntimeException e) {
      metrics.recordFailed();
      log.warn("cannot record leadership event {} in ZooKeeper", event, e);
    }
  }

  /** Writes what is pending (up to 10 s), then stops the writer thread. */
  @Override
  public void close() throws InterruptedException {
    writer.shutdown();
    if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
      writer.shutdownNow();
    }
  }
}
