package dev.venice.runtime.common.meta;

/** A replica's ingestion status for one partition of a version, as its server reports it. */
public enum ReplicaStatus {
  /** Ingesting. */
  STARTED,
  /** Consumed end-of-push: ready to serve. */
  COMPLETED,
  /** Ingestion failed on this replica. */
  ERROR
}
