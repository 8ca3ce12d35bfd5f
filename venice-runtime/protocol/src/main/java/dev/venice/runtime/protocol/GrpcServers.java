package dev.venice.runtime.protocol;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.concurrent.TimeUnit;

/** Shared handling of the gRPC servers of storage servers and routers. */
public final class GrpcServers {
  private GrpcServers() {}

  /**
   * Sets the overall status (service {@code ""}) of the standard {@code grpc.health.v1} service:
   * {@code SERVING} or {@code NOT_SERVING}.
   */
  public static void setServing(HealthStatusManager health, boolean serving) {
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /**
   * Stops taking calls, lets calls in flight finish for up to 5 s, then cuts the rest and waits up
   * to 5 s more for their handlers to return (so what they call can be closed after this).
   */
  public static void stop(Server server) {
    if (server == null) {
      return;
    }
    server.shutdown();
    awaitTermination(server);
    server.shutdownNow();
    awaitTermination(server);
  }

  private static void awaitTermination(Server server) {
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
