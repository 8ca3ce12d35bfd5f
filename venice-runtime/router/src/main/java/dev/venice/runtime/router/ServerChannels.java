package dev.venice.runtime.router;

import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One gRPC channel per storage server, opened on first use and shared by all requests. */
final class ServerChannels implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  VeniceReadGrpc.VeniceReadBlockingStub stub(Replica replica) {
    ManagedChannel channel = channels.computeIfAbsent(replica.instanceId(), id ->
        NettyChannelBuilder.forAddress(replica.host(), replica.port()).usePlaintext().build());
    return VeniceReadGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
