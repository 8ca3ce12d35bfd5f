package dev.venice.spi.server;

/**
 * The stages of ingestion on a server; each is timed. A replica applying its version topic passes
 * through {@link #CONSUME}, {@link #DECODE}, {@link #HOOKS} and {@link #APPLY} for each record
 * ({@link IngestionRecord#timings()}); a hybrid partition's leader copying its real-time topic
 * passes through {@link #DECODE}, {@link #SCHEMA_VALIDATION} and {@link #LEADER_PRODUCE} for each
 * batch ({@link LeaderBatch#timings()}). Constants are added at the end, so declaration order is
 * not pipeline order.
 */
public enum IngestionStage {
  /** From the broker's append timestamp to the record being handed to ingestion. */
  CONSUME,
  /** Decoding the envelope and decompressing the value. */
  DECODE,
  /** Running the ingestion-record hooks. */
  HOOKS,
  /** Writing to storage: the record and its progress in one RocksDB write batch. */
  APPLY,
  /**
   * On a hybrid leader: checking each real-time value against its registered value schema.
   * @since 1.5.0
   */
  SCHEMA_VALIDATION,
  /**
   * Applying a partial update (write compute) to the stored value. Not measured by the reference
   * server, which has no write compute: always {@code -1} there.
   * @since 1.5.0
   */
  WRITE_COMPUTE,
  /**
   * On a hybrid leader: producing the copies (and the batch's dead letters) to Kafka, up to the
   * commit of their transaction, which is when followers can read them.
   * @since 1.5.0
   */
  LEADER_PRODUCE
}
