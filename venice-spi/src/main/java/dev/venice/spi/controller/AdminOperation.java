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
  UPDATE_TOPIC_CONFIG,
  /**
   * A plugin's admin endpoint was called with a method that changes state (anything but {@code
   * GET} and {@code HEAD}: an ACL grant); reported to the after-hooks only, with {@code store}
   * null and {@code requested} holding {@code {"plugin", "method", "path", "body"}} (the body as
   * text, at most 4,096 characters), the outcome's {@code
   * after} holding {@code {"status"}}. Never offered for a veto: the plugin owns its endpoint.
   *
   * @since 1.9.0
   */
  @dev.venice.spi.Experimental(since = "1.9.0")
  PLUGIN_ENDPOINT
}
