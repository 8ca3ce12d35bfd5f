package dev.venice.spi.rpc;

import dev.venice.spi.Experimental;

/**
 * Answers the calls of one {@link RpcMethod}.
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
@FunctionalInterface
public interface RpcHandler {
  /**
   * A call arrived with its request message. Runs on a gRPC thread: answer at once or keep {@code
   * call} and answer later from any thread; never block. A handler that throws fails the call with
   * {@link RpcStatus#INTERNAL} (the exception is logged, its message is not sent).
   *
   * @param request the request message's bytes, as the caller encoded them
   * @param call where the answer goes
   */
  void handle(byte[] request, RpcCall call);
}
