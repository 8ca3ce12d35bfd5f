/**
 * The {@code audit-log} plugin (controllers, servers, routers): every mutating admin operation
 * (controllers) and every access denial (all three), as an Avro event on the Kafka topic {@code
 * venice-admin-audit-log}, with plain-text headers saying who tried what. See the module's README.
 */
package dev.venice.plugins.auditlog;
