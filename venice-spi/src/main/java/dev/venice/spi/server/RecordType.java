package dev.venice.spi.server;

/** The kind of data record applied by ingestion. */
public enum RecordType {
  /** A value written for a key. */
  PUT,
  /** A key removed. */
  DELETE
}
