package dev.venice.plugins.grpchealth;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.venice.plugins.grpchealth.proto.HealthCheckRequest;
import dev.venice.plugins.grpchealth.proto.HealthCheckResponse;
import dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus;
import dev.venice.spi.rpc.RpcCall;
import dev.venice.spi.rpc.RpcMethod;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.rpc.RpcStatus;
import java.util.List;
import java.util.Optional;

/**
 * The {@code grpc.health.v1.Health} service's two handlers, decoding each {@code
 * HealthCheckRequest} and encoding each {@code HealthCheckResponse} with the plugin's own protobuf:
 * {@code Check} answers the status now or fails NOT_FOUND for an unknown service; {@code Watch}
 * streams the statuses {@link HealthStatuses} gives it, and is released when the caller cancels.
 * A request that is not a {@code HealthCheckRequest} fails INVALID_ARGUMENT. Thread-safe (holds no
 * state of its own).
 */
final class HealthService {
  /** The protocol's service name. */
  static final String NAME = "grpc.health.v1.Health";

  private final HealthStatuses statuses;
  private final GrpcHealthMetrics metrics;

  HealthService(HealthStatuses statuses, GrpcHealthMetrics metrics) {
    this.statuses = statuses;
    this.metrics = metrics;
  }

  /** The service as the host serves it: unary {@code Check}, server-streaming {@code Watch}. */
  RpcService rpcService() {
    return new RpcService(NAME, List.of(RpcMethod.unary("Check", this::check),
        RpcMethod.serverStreaming("Watch", this::watch)));
  }

  private void check(byte[] request, RpcCall call) {
    String service = serviceOf(request, call);
    if (service == null) {
      return;
    }
    Optional<ServingStatus> status = statuses.check(service);
    if (status.isEmpty()) {
      call.fail(RpcStatus.NOT_FOUND, "unknown service '" + service + "'");
      return;
    }
    call.send(encode(status.get()));
    call.complete();
  }

  private void watch(byte[] request, RpcCall call) {
    String service = serviceOf(request, call);
    if (service == null) {
      return;
    }
    call.onCancel(statuses.watch(service, new CallSink(call)));
  }

  /** A watch's messages, encoded onto its call. */
  private record CallSink(RpcCall call) implements HealthStatuses.WatchSink {
    @Override
    public void send(ServingStatus status) {
      call.send(encode(status));
    }

    @Override
    public void complete() {
      call.complete();
    }
  }

  /** The requested service name, or null after failing the call with INVALID_ARGUMENT. */
  private String serviceOf(byte[] request, RpcCall call) {
    try {
      return HealthCheckRequest.parseFrom(request).getService();
    } catch (InvalidProtocolBufferException e) {
      metrics.invalidRequests.increment();
      call.fail(RpcStatus.INVALID_ARGUMENT, "not a grpc.health.v1.HealthCheckRequest: "
          + e.getMessage());
      return null;
    }
  }

  private static byte[] encode(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build().toByteArray();
  }
}
