package dev.venice.runtime.protocol;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.util.MutableHandlerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Shared handling of the gRPC servers of storage servers, routers and controllers. */
public final class GrpcServers {
  private GrpcServers() {}

  /**
   * Binds and starts a process's gRPC server on {@code host}:{@code port} ({@code 0}: a free port)
   * serving whatever {@code services} holds, now or later (the process's own services and its
   * plugins' {@link PluginRpcServices}).
   *
   * @param credentials TLS or plaintext ({@link GrpcTls#server})
   * @throws IOException when the port cannot be bound
   */
  public static Server start(String host, int port, MutableHandlerRegistry services,
      ServerCredentials credentials) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .fallbackHandlerRegistry(services).build().start();
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
