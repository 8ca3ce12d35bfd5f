package dev.venice.spi.server;

/** The stages a record passes through on a server, in order; each is timed. */
public enum IngestionStage {
  /** From the broker's append timestamp to the record being handed to ingestion. */
  CONSUME,
  /** Decoding the envelope and decompressing the value. */
  DECODE,
  /** Running the ingestion-record hooks. */
  HOOKS,
  /** Writing to storage (and, on a hybrid leader, producing to the version topic). */
  APPLY
}
