package dev.venice.spi.server;

/**
 * Called for every data record a server applies, on the partition's ingestion thread: keep it
 * short. Records of one partition arrive in offset order.
 */
public interface IngestionRecordHook {
  /**
   * Before the record is applied. Return {@link IngestionVerdict#ACCEPT}, or a rejection to send
   * it to the dead-letter path instead of storage. The first rejection wins.
   */
  default IngestionVerdict beforeApply(IngestionRecord record) {
    return IngestionVerdict.ACCEPT;
  }

  /**
   * A record took the dead-letter path instead of storage: it could not be decoded, was malformed,
   * or a hook rejected it in {@link #beforeApply}. Called on the partition's ingestion thread, in
   * offset order with the other callbacks, before the server moves past the record; keep it short
   * (hand the record to a queue). A hook that throws is counted and skipped; the record is still
   * skipped.
   *
   * @since 1.1.0
   */
  @dev.venice.spi.Experimental(since = "1.1.0")
  default void onDeadLetter(DeadLetterRecord record) {}

  /** After the record was applied; {@link IngestionRecord#timings()} is complete. */
  default void afterApply(IngestionRecord record) {}

  /** A partition replica opened and is about to ingest (records follow in offset order). */
  default void onPartitionOpened(PartitionEvent event) {}

  /** The replica consumed end-of-push: the batch data is complete and reads are served. */
  default void onEndOfPush(PartitionEvent event) {}

  /** The replica closed (moved away, dropped or the server stopping); drop its state. */
  default void onPartitionClosed(PartitionEvent event) {}
}
