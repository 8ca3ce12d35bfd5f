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
   * offset order with the other callbacks, after the message of {@link #deadLetterMessage} (if
   * any) was written and before the server moves past the record; keep it short (hand the record
   * to a queue). A hook that throws is counted and skipped; the record is still skipped. A
   * real-time record is reported once its leader's transaction committed.
   *
   * @since 1.1.0
   */
  @dev.venice.spi.Experimental(since = "1.1.0")
  default void onDeadLetter(DeadLetterRecord record) {}

  /**
   * The Kafka record to keep a dead letter as, for a hook that keeps them (a dead-letter queue);
   * empty (the default) to keep nothing. The first hook that returns a message wins; a hook that
   * throws is counted and keeps nothing. Called on the partition's ingestion thread before {@link
   * #onDeadLetter}: encode only, do not write (the host writes, so that nothing is lost):
   *
   * <ul>
   *   <li>a real-time record a hybrid partition's leader cannot copy: in the leader's Kafka
   *       transaction with its copies, so it is kept exactly once, however often leadership
   *       moves or a batch is retried;
   *   <li>a version-topic record: by every replica that reads it, acknowledged by all in-sync
   *       replicas before the replica moves past it, so once per replica of the partition (the
   *       source topic, partition and offset tell copies apart).
   * </ul>
   *
   * A real-time record is kept exactly once per store version; this method may be asked again for
   * the same record when the leader retries a batch (only the committed message is kept). A
   * message aimed at a version or real-time topic is refused.
   *
   * <p>While the message cannot be written (its topic missing, the broker away, the message too
   * large) the partition's ingestion waits and retries every second, counted in {@code
   * venice.server.ingestion.dead.letter.write.failures{store}} and logged; the record is never
   * skipped. A failure to apply a record that may clear by itself (a storage I/O error) never
   * reaches this method: {@link DeadLetterRecord#permanent()} is always {@code true} here.
   *
   * @param record the dead letter, with its bytes as read from Kafka
   * @return the record to keep, or empty
   * @since 1.5.0
   */
  @dev.venice.spi.Experimental(since = "1.5.0")
  default java.util.Optional<DeadLetterMessage> deadLetterMessage(DeadLetterRecord record) {
    return java.util.Optional.empty();
  }

  /** After the record was applied; {@link IngestionRecord#timings()} is complete. */
  default void afterApply(IngestionRecord record) {}

  /**
   * A hybrid partition's leader committed one batch of real-time records to the version topic (see
   * {@link LeaderBatch}); on the partition's ingestion thread, once per batch: a hook that keeps
   * meters updates them here rather than per record.
   * @since 1.5.0
   */
  @dev.venice.spi.Experimental(since = "1.5.0")
  default void afterLeaderBatch(LeaderBatch batch) {}

  /** A partition replica opened and is about to ingest (records follow in offset order). */
  default void onPartitionOpened(PartitionEvent event) {}

  /** The replica consumed end-of-push: the batch data is complete and reads are served. */
  default void onEndOfPush(PartitionEvent event) {}

  /** The replica closed (moved away, dropped or the server stopping); drop its state. */
  default void onPartitionClosed(PartitionEvent event) {}
}
