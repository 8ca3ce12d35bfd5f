package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One batch of real-time records a hybrid partition's leader copied into the version topic in one
 * Kafka transaction, as {@link IngestionRecordHook#afterLeaderBatch} sees it once the transaction
 * committed. Its timings are the batch's totals, in nanoseconds, of {@link
 * IngestionStage#DECODE}, {@link IngestionStage#SCHEMA_VALIDATION} and {@link
 * IngestionStage#LEADER_PRODUCE} (divide by {@code records} for a mean per record); the other
 * stages read {@code -1}. Each boundary is one {@code System.nanoTime()} read.
 *
 * @param store the store
 * @param version the store version being written
 * @param partition the partition
 * @param records the real-time records read in the batch (copied and dead-lettered; control
 *     records excluded), at least 1
 * @param deadLetters how many of them took the dead-letter path
 * @param timings the batch's total nanoseconds per stage
 * @since 1.5.0
 */
@Experimental(since = "1.5.0")
public record LeaderBatch(String store, int version, int partition, int records,
    int deadLetters, StageTimings timings) {
  /** Validates the fields. */
  public LeaderBatch {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(timings, "timings");
    if (records < 1 || deadLetters < 0 || deadLetters > records) {
      throw new IllegalArgumentException("a leader batch of " + records + " records with "
          + deadLetters + " dead letters");
    }
  }
}
