package dev.venice.spi.rpc;

import dev.venice.spi.Experimental;

/**
 * gRPC's status codes, by the names and numbers of the gRPC specification ({@code
 * doc/statuscodes.md} in grpc/grpc).
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public enum RpcStatus {
  OK(0), CANCELLED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4), NOT_FOUND(5),
  ALREADY_EXISTS(6), PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8), FAILED_PRECONDITION(9),
  ABORTED(10), OUT_OF_RANGE(11), UNIMPLEMENTED(12), INTERNAL(13), UNAVAILABLE(14), DATA_LOSS(15),
  UNAUTHENTICATED(16);

  private final int code;

  RpcStatus(int code) {
    this.code = code;
  }

  /** The code's number on the wire ({@code grpc-status}). */
  public int code() {
    return code;
  }
}
