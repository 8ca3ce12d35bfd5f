package dev.venice.spi.client;

/** The kind of read a replica request carries. */
public enum RequestKind {
  /** One key. */
  SINGLE_GET,
  /** Several keys of one partition, answered together. */
  BATCH_GET,
  /** Several keys of one partition, answered as a stream. */
  STREAMING_BATCH_GET
}
