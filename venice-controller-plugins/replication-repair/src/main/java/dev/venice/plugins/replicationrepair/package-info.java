/**
 * The {@code replication-repair} controller plugin (seed project 37): on the leader controller, a
 * background task counts the healthy replicas of every partition of every online store version in
 * Helix's external view and, where they are fewer than the version's replication factor, starts a
 * targeted Helix rebalance of that version's resource through the admin-mutation path (audited
 * with the principal {@code plugin:replication-repair}); never during a push of the store, at most
 * one rebalance per interval across stores, with a dry run. See the module's README.
 */
package dev.venice.plugins.replicationrepair;
