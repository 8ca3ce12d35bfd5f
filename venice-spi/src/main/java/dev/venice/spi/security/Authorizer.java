package dev.venice.spi.security;

import dev.venice.spi.Experimental;

/**
 * Decides whether a principal may perform an operation on a resource (Kafka's {@code Authorizer},
 * Venice's {@code AccessController}). A host with security on asks every authorizer of its
 * plugins, in plugin order, before every admin mutation and push start (controller) and every
 * read (routers and servers); the first denial wins. A host with TLS refuses to start without an
 * authorizer unless {@code security.authorizer.required=false}; then it allows every authenticated
 * call and refuses anonymous ones.
 *
 * <p>Called on request threads, for every read: it must be thread-safe and fast (an allowed read
 * should cost a cache lookup, never I/O). An authorizer that throws denies the call (fail closed).
 * Authorizers apply to every store: a plugin's per-store switch does not turn them off.
 *
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
@FunctionalInterface
public interface Authorizer {
  /**
   * The decision for {@code request}.
   *
   * @return {@link AccessDecision#ALLOW} or a denial with the reason (never {@code null})
   */
  AccessDecision authorize(AccessRequest request);
}
