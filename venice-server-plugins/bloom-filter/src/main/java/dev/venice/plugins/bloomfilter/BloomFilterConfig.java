package dev.venice.plugins.bloomfilter;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.bloom-filter.*} and per store in the
 * store's plugin settings.
 *
 * @param expectedKeys keys expected per partition; sizes the filter
 * @param falsePositiveRate the target false-positive rate at {@code expectedKeys}
 */
record BloomFilterConfig(long expectedKeys, double falsePositiveRate) {
  static final ConfigKey<Long> EXPECTED_KEYS = ConfigKey.longInteger("expected-keys", 1_000_000,
      1, Integer.MAX_VALUE, "keys expected per partition; the filter is sized for this many");
  static final ConfigKey<Double> FALSE_POSITIVE_RATE = ConfigKey.decimal("false-positive-rate",
      0.01, 0.000_001, 0.5, "target false-positive rate at expected-keys");
  static final List<ConfigKey<?>> KEYS = List.of(EXPECTED_KEYS, FALSE_POSITIVE_RATE);

  static BloomFilterConfig from(PluginConfig config) {
    return new BloomFilterConfig(config.get(EXPECTED_KEYS), config.get(FALSE_POSITIVE_RATE));
  }

  /**
   * The filter's size in bits for {@code n} keys at false-positive rate {@code p}: the optimum
   * {@code m = -n ln p / (ln 2)^2} (about 9.6 bits per key at 1%), with {@code k = (m / n) ln 2}
   * hash functions. Guava's BloomFilter applies the same formulas.
   */
  long bits() {
    return (long) Math.ceil(-expectedKeys * Math.log(falsePositiveRate) / (Math.log(2)
        * Math.log(2)));
  }
}
