package dev.venice.runtime.protocol;

import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/** Shared handling of the gRPC servers of storage servers and routers. */
public final class GrpcServers {
  private GrpcServers() {}

  /** Stops taking calls, lets calls in flight finish for up to 5 s, then cuts the rest. */
  public static void stop(Server server) {
    if (server == null) {
      return;
    }
    server.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
  }
}
