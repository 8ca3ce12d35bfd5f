package dev.venice.runtime.protocol;

import dev.venice.runtime.common.security.Tls;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;

/**
 * gRPC credentials from the runtime's {@link Tls} key material: TLS 1.3/1.2 through grpc-java's
 * {@link TlsServerCredentials} and {@link TlsChannelCredentials}, or plaintext without it.
 */
public final class GrpcTls {
  private GrpcTls() {}

  /**
   * A server's credentials: plaintext for {@code null}; else TLS with the process's certificate,
   * requiring a client certificate when {@link Tls#needClientCert()} (otherwise asking for one and
   * using it when sent).
   */
  public static ServerCredentials server(Tls tls) {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    return TlsServerCredentials.newBuilder().keyManager(tls.keyManagers().getKeyManagers())
        .trustManager(tls.trustManagers().getTrustManagers())
        .clientAuth(tls.needClientCert() ? TlsServerCredentials.ClientAuth.REQUIRE
            : TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /**
   * A channel's credentials: plaintext for {@code null}; else TLS trusting {@code tls}'s
   * authorities (the server's host name checked against its certificate) and presenting its
   * certificate, when it has one.
   */
  public static ChannelCredentials channel(Tls tls) {
    if (tls == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder()
        .trustManager(tls.trustManagers().getTrustManagers());
    if (tls.keyManagers() != null) {
      credentials.keyManager(tls.keyManagers().getKeyManagers());
    }
    return credentials.build();
  }
}
