package dev.venice.plugins.ratelimiter;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * One store's rate limit, process-wide under {@code plugins.rate-limiter.*} and per store in the
 * store's plugin settings (the store's values win). A token is one key read: a single get costs
 * one, a batch get of {@code n} keys costs {@code n} (Venice's server-side read quota counts keys
 * the same way). Immutable.
 *
 * @param rate tokens (keys) added to the bucket per second, from {@value #MIN_RATE} to {@value
 *     #MAX_RATE}
 * @param burst the bucket's size in tokens, from 1 to {@value #MAX_BURST}: the most keys a client
 *     may read at once after an idle spell, and the largest batch that can ever pass
 */
record RateLimiterConfig(double rate, int burst) {
  /** The lowest rate, keys per second (one key every 100 s). */
  static final double MIN_RATE = 0.01;
  /**
   * The highest rate, keys per second. With {@link TokenBucket}'s 1/16 ns tick, one token's
   * interval is then at least 1,600 ticks, so rounding it to a whole tick is off by at most 1/3200
   * (0.031%) of the rate.
   */
  static final double MAX_RATE = 10_000_000;
  /** The largest burst: a full bucket at the lowest rate stays within {@code long} ticks. */
  static final int MAX_BURST = 1_000_000;

  static final ConfigKey<Double> RATE = ConfigKey.decimal("rate", 1000, MIN_RATE, MAX_RATE,
      "tokens (keys read) added per second; a single get costs 1, a batch get 1 per key");
  static final ConfigKey<Integer> BURST = ConfigKey.integer("burst", 1000, 1, MAX_BURST,
      "bucket size in tokens: keys readable at once after idling, and the largest batch");
  static final List<ConfigKey<?>> KEYS = List.of(RATE, BURST);

  /**
   * @throws IllegalArgumentException when {@code rate} or {@code burst} is outside its range (for
   *     a hand-built {@link RateLimitingStoreClient}; configured values are checked by their keys,
   *     whose {@code ConfigException} names {@code plugins.rate-limiter.rate} or {@code .burst})
   */
  RateLimiterConfig {
    if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
      throw new IllegalArgumentException("rate must be from " + MIN_RATE + " to "
          + (long) MAX_RATE + " keys per second, got " + rate);
    }
    if (burst < 1 || burst > MAX_BURST) {
      throw new IllegalArgumentException("burst must be from 1 to " + MAX_BURST
          + " tokens (it is also the largest batch that can pass), got " + burst);
    }
  }

  static RateLimiterConfig from(PluginConfig config) {
    return new RateLimiterConfig(config.get(RATE), config.get(BURST));
  }
}
