package dev.venice.spi.controller;

/** The mutating admin operations a controller performs. */
public enum AdminOperation {
  /** A store is created (with its key and first value schema). */
  CREATE_STORE,
  /** A store's settings change. */
  UPDATE_STORE,
  /** A store and all its versions are deleted. */
  DELETE_STORE,
  /** A value schema is registered. */
  ADD_VALUE_SCHEMA,
  /** A push starts: a new version, its topic and Helix resource are created. */
  CREATE_VERSION,
  /** A push is killed or fails; its version will never become current. */
  KILL_PUSH,
  /** The store's current version changes (a push went online, or a rollback). */
  SWAP_VERSION,
  /** A version is retired: topic and Helix resource removed. */
  DELETE_VERSION,
  /** A cluster-wide setting changes. */
  UPDATE_CLUSTER_CONFIG,
  /**
   * A store version's Helix resource is rebalanced on request (for example {@code venice
   * show-leader-distribution --rebalance}); {@code requested} holds the {@code version} and the
   * {@link RebalanceScope} as {@code scope}.
   */
  @dev.venice.spi.Experimental(since = "1.6.0")
  REBALANCE,
  /**
   * Configuration entries of a store's Kafka topics change (for example the topic-retention
   * plugin's retention fix); {@code requested} holds {@code {"topics": {topic: {name: value}}}}.
   */
  @dev.venice.spi.Experimental(since = "1.7.0")
  UPDATE_TOPIC_CONFIG
}
