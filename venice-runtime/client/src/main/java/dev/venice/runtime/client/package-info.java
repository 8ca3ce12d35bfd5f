/**
 * Venice store clients implementing the SPI's {@link dev.venice.spi.client.StoreClient}: the thin
 * client reads through a router; the fast client reads straight from replicas, and is where
 * store-level and replica-level decorators stack. Start with {@link
 * dev.venice.runtime.client.VeniceClients}; {@link dev.venice.runtime.client.MultiStoreClient}
 * reads several stores in one call, with per-store results and one deadline.
 */
package dev.venice.runtime.client;
