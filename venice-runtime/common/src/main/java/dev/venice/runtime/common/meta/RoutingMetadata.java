package dev.venice.runtime.common.meta;

import dev.venice.spi.client.Replica;
import java.util.List;
import java.util.Map;

/**
 * What a fast client needs to read a store without a router in the path: the current version, its
 * partitioning and compression, the schemas, the ready replicas of each partition and the store's
 * plugin settings. Routers serve it at {@code GET /metadata/<store>} on their admin port.
 *
 * @param store the store
 * @param currentVersion the version reads go to
 * @param partitionCount its partition count
 * @param compressionStrategy how its values are compressed
 * @param keySchema the key schema
 * @param valueSchemas value schema id to schema JSON
 * @param replicas per partition, the ready replicas, leader first
 * @param pluginSettings the store's {@code plugins.<id>.<key>} settings
 */
public record RoutingMetadata(
    String store,
    int currentVersion,
    int partitionCount,
    CompressionStrategy compressionStrategy,
    String keySchema,
    Map<Integer, String> valueSchemas,
    List<List<Replica>> replicas,
    Map<String, String> pluginSettings) {}
