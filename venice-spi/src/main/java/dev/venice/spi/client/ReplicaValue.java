package dev.venice.spi.client;

/**
 * One value in a replica's answer.
 *
 * @param keyIndex the index of its key in {@link ReplicaRequest#keys()}
 * @param schemaId the id of the value schema it was written with
 * @param value the serialized value (shared, treat as read-only)
 */
public record ReplicaValue(int keyIndex, int schemaId, byte[] value) {}
