package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import dev.venice.spi.plugin.ProcessKind;
import java.util.Objects;

/**
 * One live process of the cluster, as registered in ZooKeeper when it started.
 *
 * @param instanceId the process's instance id (for a server, its Helix participant id {@code
 *     host_port})
 * @param kind the kind of process
 * @param adminUrl the base URL of its admin HTTP server, e.g. {@code http://127.0.0.1:7001}
 *     (serving {@code /health}, {@code /metrics}, {@code /plugins/<id>/...})
 * @param grpcAddress {@code host:port} of its gRPC port: the read service of a server or router;
 *     on a controller (since 1.4.0) plugins' services only, such as {@code grpc.health.v1};
 *     {@code null} for a process without one
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public record ClusterMember(String instanceId, ProcessKind kind, String adminUrl,
    String grpcAddress) {
  /** Checks the required fields. */
  public ClusterMember {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(adminUrl, "adminUrl");
  }
}
