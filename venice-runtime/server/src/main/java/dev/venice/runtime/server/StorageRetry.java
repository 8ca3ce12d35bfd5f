package dev.venice.runtime.server;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a partition replica's storage write that failed, with exponential backoff, so a
 * transient storage error (an I/O error, a full disk being cleaned up) delays ingestion instead of
 * failing the replica; the record is never skipped and never dead-lettered (issue 20, the
 * transient side of the dead-letter boundary). Only after {@code ingestion.storage.retry.timeout}
 * of failures in a row is the failure the replica's own: the last exception propagates and the
 * replica goes to ERROR, so Helix moves its leadership and the record is applied elsewhere.
 *
 * <p>What makes a retry succeed: RocksDB's own recovery. After a retryable I/O error or a full
 * disk that frees up, RocksDB resumes writing by itself (its automatic error recovery, {@code
 * max_bgerror_resume_count} tries every {@code bgerror_resume_retry_interval}); an error it cannot
 * recover from without a reopen keeps failing, the timeout ends the retries, and the replica's
 * reopen (Helix assigns it again) is what recovers it.
 *
 * <p>The delay starts at {@value #FIRST_DELAY_MS} ms and doubles up to {@value #MAX_DELAY_MS} ms.
 * Every write retried is safe to repeat: a record's data and the replica's progress go in one
 * RocksDB {@code WriteBatch} (a failed attempt changed nothing), and start-of-push's extra put
 * writes the same value again. Used by one ingestion thread.
 */
final class StorageRetry {
  private static final Logger LOG = LoggerFactory.getLogger(StorageRetry.class);
  static final long FIRST_DELAY_MS = 50;
  static final long MAX_DELAY_MS = 5_000;

  /** One storage write: a single atomic RocksDB write batch. */
  @FunctionalInterface
  interface StorageWrite {
    void run() throws RocksDBException;
  }

  private final String replica;
  private final long timeoutNanos;
  private final LongSupplier nanoTime;
  private final LongConsumer sleepNanos;
  private final BooleanSupplier running;
  private final Counter failures;

  /**
   * @param replica names the replica in the log, e.g. {@code users_v3 partition 2}
   * @param timeout how long a write may keep failing before the replica fails (0: never retried)
   * @param nanoTime the monotonic clock, {@link System#nanoTime} in production
   * @param sleepNanos waits that many nanoseconds (may return early: a stop unparks it)
   * @param running false once the replica is being stopped: no more attempts
   * @param failures counts every failed attempt
   */
  StorageRetry(String replica, Duration timeout, LongSupplier nanoTime, LongConsumer sleepNanos,
      BooleanSupplier running, Counter failures) {
    this.replica = replica;
    this.timeoutNanos = timeout.toNanos();
    this.nanoTime = nanoTime;
    this.sleepNanos = sleepNanos;
    this.running = running;
    this.failures = failures;
  }

  /**
   * Runs {@code write} until it succeeds.
   *
   * @throws RocksDBException the last failure, once writes failed for longer than the timeout or
   *     the replica is stopping
   */
  void run(StorageWrite write) throws RocksDBException {
    long start = nanoTime.getAsLong();
    long delayMs = FIRST_DELAY_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        if (attempt > 1) {
          LOG.info("{}: storage write succeeded after {} attempts", replica, attempt);
        }
        return;
      } catch (RocksDBException e) {
        failures.increment();
        long failingNanos = nanoTime.getAsLong() - start;
        if (!running.getAsBoolean() || failingNanos + delayMs * 1_000_000 > timeoutNanos) {
          throw e;
        }
        LOG.warn("{}: storage write failed (attempt {}, failing for {} ms), retrying in {} ms;"
            + " nothing is skipped: {}", replica, attempt, failingNanos / 1_000_000, delayMs,
            e.getMessage());
        sleepNanos.accept(delayMs * 1_000_000);
        if (!running.getAsBoolean()) {
          throw e; // stopped during the delay: no more attempts
        }
        delayMs = Math.min(MAX_DELAY_MS, delayMs * 2);
      }
    }
  }
}
