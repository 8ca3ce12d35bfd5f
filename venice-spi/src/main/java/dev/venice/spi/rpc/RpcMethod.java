package dev.venice.spi.rpc;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One method of an {@link RpcService}.
 *
 * @param name the method's simple name as in the {@code .proto} file, e.g. {@code Check}
 * @param type how many response messages a call has
 * @param handler what answers each call
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public record RpcMethod(String name, Type type, RpcHandler handler) {
  /** gRPC's method types that plugins may offer (one request message each). */
  public enum Type {
    /** One request, one response: the handler sends one message, then completes. */
    UNARY,
    /** One request, a stream of responses until the handler completes or the caller cancels. */
    SERVER_STREAMING
  }

  /** Validates. */
  public RpcMethod {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    if (name.isBlank() || name.contains("/") || name.contains(".")) {
      throw new IllegalArgumentException("RPC method name must be a simple name such as Check,"
          + " not '" + name + "'");
    }
  }

  /** A unary method. */
  public static RpcMethod unary(String name, RpcHandler handler) {
    return new RpcMethod(name, Type.UNARY, handler);
  }

  /** A server-streaming method. */
  public static RpcMethod serverStreaming(String name, RpcHandler handler) {
    return new RpcMethod(name, Type.SERVER_STREAMING, handler);
  }
}
