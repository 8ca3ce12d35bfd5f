package dev.venice.spi.rpc;

import dev.venice.spi.Experimental;
import java.util.List;
import java.util.Objects;

/**
 * A gRPC service a plugin adds to its process's gRPC port ({@link
 * dev.venice.spi.plugin.Extensions#addRpcService}), beside the process's own services.
 *
 * @param name the fully qualified service name, as in the {@code .proto} file's package and
 *     service, e.g. {@code grpc.health.v1.Health}; one plugin per name in a process
 * @param methods its methods, at least one
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public record RpcService(String name, List<RpcMethod> methods) {
  /** Validates and copies. */
  public RpcService {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("RPC service name must be a qualified name such as"
          + " grpc.health.v1.Health, not '" + name + "'");
    }
    methods = List.copyOf(methods);
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("RPC service " + name + " has no method");
    }
    if (methods.stream().map(RpcMethod::name).distinct().count() != methods.size()) {
      throw new IllegalArgumentException("RPC service " + name + " names a method twice");
    }
  }
}
