/**
 * Read-side cluster metadata for servers and routers: store metadata from ZooKeeper ({@link
 * dev.venice.runtime.metadata.ZkStoreRepository}) and ready replicas from Helix's external view
 * ({@link dev.venice.runtime.metadata.RoutingTable}).
 */
package dev.venice.runtime.metadata;
