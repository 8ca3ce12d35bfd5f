package dev.venice.spi.client;

import java.util.List;
import java.util.Objects;

/**
 * A replica's answer to a {@link ReplicaRequest}: the values of the keys that exist. A key with no
 * value in the list does not exist.
 *
 * @param servedBy the replica that answered
 * @param values the values found, in any order
 */
public record ReplicaResponse(Replica servedBy, List<ReplicaValue> values) {
  /** Validates and copies. */
  public ReplicaResponse {
    Objects.requireNonNull(servedBy, "servedBy");
    values = List.copyOf(values);
  }
}
