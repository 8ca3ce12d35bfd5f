package dev.venice.plugins.jwtauthenticator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's meters, under the host-given prefix ({@code venice.<process>.jwt.authenticator.},
 * e.g. {@code venice.router.jwt.authenticator.}): {@code tokens} tagged {@code result=accepted}
 * (a token gave its principal, verified or from the cache) or {@code result=rejected} (a JWS
 * failed verification), {@code cache.hits} (accepted tokens answered from the cache, without a
 * signature verification) and the gauge {@code cache.tokens} (verified tokens cached now), all
 * registered at start. Tokens that are not a JWS (left to other authenticators) are not counted.
 * Thread-safe.
 */
final class JwtAuthenticatorMetrics {
  private final Counter accepted;
  private final Counter rejected;
  private final Counter cacheHits;

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   * @param cache the cache whose size {@code cache.tokens} reports
   */
  JwtAuthenticatorMetrics(MeterRegistry registry, String prefix, VerifiedTokenCache cache) {
    this.accepted = tokens(registry, prefix, "accepted");
    this.rejected = tokens(registry, prefix, "rejected");
    this.cacheHits = Counter.builder(prefix + "cache.hits")
        .description("Bearer tokens accepted from the cache of verified tokens")
        .register(registry);
    Gauge.builder(prefix + "cache.tokens", cache, VerifiedTokenCache::size)
        .description("Verified bearer tokens cached").register(registry);
  }

  private static Counter tokens(MeterRegistry registry, String prefix, String result) {
    return Counter.builder(prefix + "tokens")
        .description("Bearer tokens (JWS) verified, by result").tag("result", result)
        .register(registry);
  }

  /** Counts a token that was verified and gave a principal. */
  void accepted() {
    accepted.increment();
  }

  /** Counts a token accepted from the cache (also counted by {@link #accepted()}). */
  void cacheHit() {
    cacheHits.increment();
  }

  /** Counts a JWS refused (bad signature, expired, wrong issuer or audience, bad claims...). */
  void rejected() {
    rejected.increment();
  }
}
