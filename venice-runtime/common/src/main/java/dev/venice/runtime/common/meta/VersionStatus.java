package dev.venice.runtime.common.meta;

/** The life of a store version (Venice's names). */
public enum VersionStatus {
  /** The push is writing the version. */
  STARTED,
  /** Every partition has enough ready replicas; the version can serve reads. */
  ONLINE,
  /** The push failed or timed out; this version never becomes current. */
  ERROR,
  /** The push was killed by an operator; this version never becomes current. */
  KILLED;

  /** Whether the version is finished, one way or the other. */
  public boolean isTerminal() {
    return this != STARTED;
  }
}
