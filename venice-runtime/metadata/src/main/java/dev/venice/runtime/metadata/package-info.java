/**
 * Cluster metadata for every process: store metadata from ZooKeeper ({@link
 * dev.venice.runtime.metadata.ZkStoreRepository}), ready replicas and replica states from Helix's
 * external view ({@link dev.venice.runtime.metadata.RoutingTable}), and the cluster view of live
 * controllers, routers and servers with its plugin-endpoint client ({@link
 * dev.venice.runtime.metadata.ZkClusterView}).
 */
package dev.venice.runtime.metadata;
