package dev.venice.spi.client;

import java.util.Objects;

/**
 * One storage server that holds a partition, as routing knows it.
 *
 * @param instanceId the Helix participant id, {@code host_port}
 * @param host the host to connect to
 * @param port the server's read (gRPC) port
 */
public record Replica(String instanceId, String host, int port) {
  /** Validates the fields. */
  public Replica {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(host, "host");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("replica " + instanceId + ": port " + port + " out of range");
    }
  }
}
