/**
 * The Venice router: the thin client's single endpoint. It resolves key to partition to ready
 * replicas from Helix's external view, forwards reads to a storage server (trying the next replica
 * when one is unavailable), runs the plugins' read hooks, and serves routing metadata to fast
 * clients.
 */
package dev.venice.runtime.router;
