/**
 * Server hook points: {@link dev.venice.spi.server.ReadHook} around each storage lookup, {@link
 * dev.venice.spi.server.IngestionRecordHook} for each record applied from a version or real-time
 * topic, and {@link dev.venice.spi.plugin.LifecycleHook} (shared by every process).
 *
 * <p>A hook that throws is contained by the host: the error is counted for its plugin and the read
 * or record goes on as if the hook had said "proceed" / "accept".
 */
package dev.venice.spi.server;
