/**
 * The {@code topic-retention} controller plugin (seed project 29, the Kafka topic retention
 * policy enforcer): on the leader controller, every hour, lists the Kafka topics with a Venice
 * name, reports those without their store or version (after a grace period; never deleted) and
 * sets {@code retention.ms} that differs from the policy through the audited admin path,
 * rate-limited, with a dry run; served at {@code /plugins/topic-retention/report} and by {@code
 * venice show-topic-retention}. See the module's README.
 */
package dev.venice.plugins.topicretention;
