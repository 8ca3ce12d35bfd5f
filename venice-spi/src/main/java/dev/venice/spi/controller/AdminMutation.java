package dev.venice.spi.controller;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One mutating admin operation. States are JSON-shaped maps (values are strings, numbers,
 * booleans, {@code null}, lists and maps) so a plugin needs no controller types to read them.
 *
 * @param operation what is done
 * @param cluster the cluster
 * @param store the target store, or {@code null} for a cluster-wide operation
 * @param caller who asked
 * @param timestamp when the controller received the request
 * @param before the target's state before, or an empty map when it did not exist
 * @param requested the change asked for (the request's parameters)
 * @param dryRun whether this is a dry run: hooks validate, nothing is changed, no after-hook runs
 */
public record AdminMutation(
    AdminOperation operation,
    String cluster,
    String store,
    Caller caller,
    Instant timestamp,
    Map<String, Object> before,
    Map<String, Object> requested,
    boolean dryRun) {
  /** Validates the fields. */
  public AdminMutation {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(requested, "requested");
  }
}
