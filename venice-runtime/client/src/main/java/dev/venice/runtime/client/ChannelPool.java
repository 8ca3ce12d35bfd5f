package dev.venice.runtime.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One gRPC channel per {@code host:port}, opened on first use and closed with the client. */
final class ChannelPool implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  ManagedChannel channel(String host, int port) {
    return channels.computeIfAbsent(host + ":" + port,
        address -> NettyChannelBuilder.forAddress(host, port).usePlaintext().build());
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
