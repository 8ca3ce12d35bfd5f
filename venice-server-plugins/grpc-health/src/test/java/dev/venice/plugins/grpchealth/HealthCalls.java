package dev.venice.plugins.grpchealth;

import dev.venice.plugins.grpchealth.proto.HealthCheckRequest;
import dev.venice.spi.rpc.RpcMethod;
import dev.venice.spi.rpc.RpcService;

/** Calls a started plugin's {@code grpc.health.v1.Health} as the host would, with real bytes. */
final class HealthCalls {
  private final RpcService service;

  HealthCalls(RpcService service) {
    this.service = service;
  }

  /** A Check of {@code name}, answered (the handler answers at once). */
  RecordingCall check(String name) {
    return call("Check", request(name));
  }

  /** A Watch of {@code name}, open until the plugin ends it or the test cancels it. */
  RecordingCall watch(String name) {
    return call("Watch", request(name));
  }

  /** {@code method} called with {@code request} as its bytes. */
  RecordingCall call(String method, byte[] request) {
    RecordingCall call = new RecordingCall();
    service.methods().stream().filter(m -> m.name().equals(method)).map(RpcMethod::handler)
        .findFirst().orElseThrow().handle(request, call);
    return call;
  }

  static byte[] request(String name) {
    return HealthCheckRequest.newBuilder().setService(name).build().toByteArray();
  }
}
