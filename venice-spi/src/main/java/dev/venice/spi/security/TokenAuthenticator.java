package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.util.Optional;

/**
 * Verifies a bearer token ({@code Authorization: Bearer <token>} on the admin port, the {@code
 * authorization} metadata entry on gRPC, RFC 6750) and says whose it is. A host with security on
 * asks its plugins' authenticators in plugin order; the first that recognises the token decides. A
 * token none recognises is refused (401 / {@code UNAUTHENTICATED}).
 *
 * <p>Called once per request that carries a token, on request threads: thread-safe, no blocking
 * I/O (fetch keys in the background).
 *
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
@FunctionalInterface
public interface TokenAuthenticator {
  /**
   * The principal {@code token} vouches for.
   *
   * @param token the token as sent, without the {@code Bearer } prefix
   * @return the principal, or empty when the token is not of a kind this authenticator verifies
   *     (another may)
   * @throws SecurityException when the token is of its kind but invalid (bad signature, expired,
   *     wrong audience); the message says which, for the log, never to the caller
   */
  Optional<Principal> authenticate(String token);
}
