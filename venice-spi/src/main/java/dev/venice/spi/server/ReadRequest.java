package dev.venice.spi.server;

import java.util.Map;
import java.util.Objects;

/**
 * One key lookup on a server (a batch get is one lookup per key).
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition of the key
 * @param key the serialized key (shared: treat as read-only)
 * @param headers the request's headers (gRPC metadata), lower-case names
 */
public record ReadRequest(
    String store, int version, int partition, byte[] key, Map<String, String> headers) {
  /** Validates the fields. */
  public ReadRequest {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(headers, "headers");
  }
}
