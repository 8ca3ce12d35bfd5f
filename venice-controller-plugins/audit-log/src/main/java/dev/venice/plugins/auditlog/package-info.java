/**
 * The {@code audit-log} controller plugin: every mutating admin operation, as an Avro event on the
 * Kafka topic {@code venice-admin-audit-log}. See the module's README.
 */
package dev.venice.plugins.auditlog;
