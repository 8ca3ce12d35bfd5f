package dev.venice.runtime.protocol;

import dev.venice.runtime.common.security.Tls;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One gRPC channel per {@code host:port}, opened on first use and shared by every call until
 * {@link #close}: a client's channels to routers or servers, a router's to servers. Over TLS when
 * given key material ({@link GrpcTls#channel}), else plaintext. Thread-safe.
 */
public final class ChannelPool implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ChannelCredentials credentials;
  /** Adds the bearer token to every call; {@code null} when there is none. */
  private final ClientInterceptor bearer;

  /** A pool of plaintext channels. */
  public ChannelPool() {
    this(null, null);
  }

  /** A pool of channels over TLS with {@code tls}; plaintext when {@code null}. */
  public ChannelPool(Tls tls) {
    this(tls, null);
  }

  /**
   * A pool of channels over TLS with {@code tls}, every call carrying {@code authorization: Bearer
   * <bearerToken>} (RFC 6750) when a token is given.
   *
   * @throws IllegalArgumentException when a token is given without TLS (it would travel in clear)
   */
  public ChannelPool(Tls tls, String bearerToken) {
    if (bearerToken != null && tls == null) {
      throw new IllegalArgumentException("a bearer token is sent only over TLS: give the"
          + " client's TLS settings too");
    }
    this.credentials = GrpcTls.channel(tls);
    if (bearerToken == null) {
      this.bearer = null;
    } else {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + bearerToken);
      this.bearer = MetadataUtils.newAttachHeadersInterceptor(headers);
    }
  }

  /** The channel to {@code host}:{@code port}, opened on first use. */
  public ManagedChannel channel(String host, int port) {
    return channels.computeIfAbsent(host + ":" + port, address -> {
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port, credentials);
      if (bearer != null) {
        builder.intercept(bearer);
      }
      return builder.build();
    });
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
