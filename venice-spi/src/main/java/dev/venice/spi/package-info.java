/**
 * The Venice plugin SPI: the stable, semantically versioned contract between the Venice runtime
 * (controller, server, router, clients) and the plugins that extend it.
 *
 * <p>Start with {@link dev.venice.spi.plugin.VenicePlugin}: every plugin jar provides one through
 * {@link java.util.ServiceLoader}. The hook points live in the sub-packages: {@code client}
 * (store- and replica-level decorators), {@code server} (read, ingestion-record and lifecycle
 * hooks), {@code controller} (admin-mutation hooks) and {@code http} (plugin endpoints).
 *
 * <p>This module depends only on the SLF4J and Micrometer APIs, so a plugin carries no Kafka, Helix,
 * RocksDB or gRPC types through it.
 */
package dev.venice.spi;
