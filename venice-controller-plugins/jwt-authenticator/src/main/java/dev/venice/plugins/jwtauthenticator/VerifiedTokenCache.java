package dev.venice.plugins.jwtauthenticator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.security.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The tokens already verified, so a caller sending the same token on every request costs a
 * SHA-256 and a hash lookup, not a signature verification: a bounded Caffeine cache from the
 * token's SHA-256 (the token itself is never kept) to the principal it gave. An entry lives at most
 * {@code ttl} and never past the token's {@code exp}, measured on the injected {@link TimeSource}
 * (Caffeine's ticker), so a cached token stops being accepted from the cache when it expires and is
 * verified again (and refused). Only accepted tokens are put; rejected ones are never remembered.
 * Eviction and expiry run on the calling thread (no thread of its own). Thread-safe.
 */
final class VerifiedTokenCache {
  private final Cache<Key, Verified> cache;
  private final TimeSource time;
  private final Duration ttl;

  /** A token's SHA-256, compared by content. */
  private record Key(byte[] sha256) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(k.sha256, sha256);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
      return "token sha256"; // never the digest either, for the log
    }
  }

  /** A verified token's principal and how long it may be remembered. */
  private record Verified(Principal principal, long lifetimeNanos) {}

  /** Each entry lives its own {@link Verified#lifetimeNanos}, fixed when it is put. */
  private static final class UntilExpiry implements Expiry<Key, Verified> {
    @Override
    public long expireAfterCreate(Key key, Verified value, long currentTime) {
      return value.lifetimeNanos();
    }

    @Override
    public long expireAfterUpdate(Key key, Verified value, long currentTime,
        long currentDuration) {
      return value.lifetimeNanos();
    }

    @Override
    public long expireAfterRead(Key key, Verified value, long currentTime,
        long currentDuration) {
      return currentDuration;
    }
  }

  /**
   * @param ttl the longest an entry lives; zero: nothing is cached
   * @param maxTokens the most entries held
   * @param time the clock: its {@link TimeSource#nanoTime()} is the cache's ticker, its {@link
   *     TimeSource#now()} what {@code exp} is compared with
   */
  VerifiedTokenCache(Duration ttl, int maxTokens, TimeSource time) {
    this.ttl = ttl;
    this.time = time;
    this.cache = Caffeine.newBuilder().maximumSize(maxTokens).expireAfter(new UntilExpiry())
        .ticker(time::nanoTime).executor(Runnable::run).build();
  }

  /** The principal {@code token} gave when it was verified, if it is still cached. */
  Principal get(String token) {
    Verified verified = cache.getIfPresent(key(token));
    return verified == null ? null : verified.principal();
  }

  /**
   * Remembers that {@code token} verified as {@code principal} until {@code exp} (or for the ttl,
   * whichever is sooner); a token already expired by the clock, or a zero ttl, is not remembered.
   */
  void put(String token, Principal principal, Instant exp) {
    Instant now = time.now();
    Instant until = exp.isBefore(now.plus(ttl)) ? exp : now.plus(ttl);
    long lifetime = now.isBefore(until) ? Duration.between(now, until).toNanos() : 0;
    if (lifetime > 0) {
      cache.put(key(token), new Verified(principal, lifetime));
    }
  }

  /** How many tokens are cached now, after evicting what is over the bound or expired. */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private static Key key(String token) {
    try {
      return new Key(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
