package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.util.Map;

/**
 * The changes a controller plugin may make on its own (a background repair, a policy fix), each
 * through the controller's admin-mutation path exactly as an operator's request: the
 * before-hooks may veto it, a dry run stops after them, and the after-hooks (the audit log among
 * them) record it with the principal {@code plugin:<pluginId>} and the address {@code internal}.
 * From {@link ControllerHost#adminActions()}.
 *
 * <p>Only the leader controller changes anything: every call on a standby (or while the controller
 * is starting or stopping) fails with {@link AdminActionException.Reason#NOT_LEADER}, so a task
 * that checked {@link ControllerHost#isLeader()} and lost the leadership meanwhile does nothing.
 * Calls on one store are serialized with every other mutation of that store. Thread-safe; each call
 * blocks until the change is applied (a Kafka or Helix call, bounded by 30 s).
 */
@Experimental(since = "1.7.0")
public interface AdminActions {
  /**
   * Rebalances one store version's Helix resource (admin operation {@link
   * AdminOperation#REBALANCE}, request {@code {"version", "scope"}}).
   *
   * <p>{@link RebalanceScope#REPLICAS}: Helix recomputes the resource's assignment on the live
   * servers now, ignoring the cluster's rebalance delay ({@code helix.rebalance.delay}) for this
   * resource during one delay's length, so replicas missing since a server left are placed on the
   * others (Helix's own placement; nothing is placed on a server that already holds the
   * partition). Refused while the store has a push in progress.
   * {@link RebalanceScope#LEADERS}: leaders move to their preferred servers for a while (see
   * {@code venice show-leader-distribution --rebalance}).
   *
   * @param store the store
   * @param version its version number (1 or more)
   * @param scope what may move
   * @param dryRun ask the before-hooks only; nothing changes and no after-hook runs
   * @return whether the rebalance was started; false for a dry run or when the version's resource
   *     is gone (the version was retired meanwhile)
   * @throws AdminActionException {@code NOT_LEADER}, {@code NOT_FOUND} (no such store or
   *     version), {@code CONFLICT} (a {@code REPLICAS} rebalance while the store has a push in
   *     progress: moving replicas would restart the ingestion of the version being pushed), {@code
   *     VETOED} (a plugin's before-hook, named in the message), or {@code FAILED} (Helix or
   *     ZooKeeper)
   */
  boolean rebalance(String store, int version, RebalanceScope scope, boolean dryRun);

  /**
   * Sets configuration entries of a store's Kafka topics (admin operation {@link
   * AdminOperation#UPDATE_TOPIC_CONFIG}, request {@code {"topics": {topic: {name: value}}}}) with
   * one Kafka {@code incrementalAlterConfigs} call ({@code SET} operations): the whole map is one
   * batch and one audit event. Entries not named keep their values.
   *
   * @param store the store
   * @param configsByTopic topic name to config name to value, for example {@code {"users_v3":
   *     {"retention.ms": "604800000"}}}; each topic must be one of the store's: {@code
   *     <store>_v<N>} of a version it has, {@code <store>_rt} or {@code <store>_dlq}; at most 100
   *     topics
   * @param dryRun ask the before-hooks only; nothing changes and no after-hook runs
   * @throws AdminActionException {@code NOT_LEADER}, {@code NOT_FOUND} (no such store, version
   *     or topic: the real-time topic of a store that is not hybrid, a topic Kafka does not have),
   *     {@code INVALID} (a topic that is not the store's, an empty map, a malformed name),
   *     {@code VETOED}, or {@code FAILED} (Kafka refused: an unknown config name or a bad value,
   *     with Kafka's message per topic; Kafka applies each topic on its own, so the others of the
   *     batch may have been applied, as the message says)
   */
  void updateTopicConfigs(String store, Map<String, Map<String, String>> configsByTopic,
      boolean dryRun);
}
