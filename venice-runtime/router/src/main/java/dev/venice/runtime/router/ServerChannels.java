package dev.venice.runtime.router;

import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per storage server, opened on first use and shared by all requests; over TLS
 * with the router's own certificate when the router has one.
 */
final class ServerChannels implements AutoCloseable {
  private final ChannelPool channels;

  /** @param tls the router's key material, or {@code null} for plaintext */
  ServerChannels(Tls tls) {
    this.channels = new ChannelPool(tls);
  }

  VeniceReadGrpc.VeniceReadBlockingStub stub(Replica replica) {
    return VeniceReadGrpc.newBlockingStub(channels.channel(replica.host(), replica.port()))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channels.close();
  }
}
