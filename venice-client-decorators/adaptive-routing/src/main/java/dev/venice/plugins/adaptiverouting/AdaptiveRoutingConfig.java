package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The routing settings, process-wide under {@code plugins.adaptive-routing.*} and per store in the
 * store's plugin settings. {@code decay-time} is Finagle's {@code decayTime} of its peak-EWMA
 * balancer (the EWMA's time constant, default 10 s there too). The keys are independent: every
 * combination of values in range is meaningful, so there is no rule across keys.
 *
 * @param decayTime the time constant tau of every decay: a sample {@code dt} old keeps the weight
 *     {@code exp(-dt / tau)} (its half-life is {@code tau * ln 2}, about 0.69 tau)
 * @param minSamples attempts an instance must have completed before its own statistics are
 *     trusted; until then it is scored as an average replica (cold start)
 * @param errorPenalty how much the error rate raises the score: the score is multiplied by {@code
 *     1 + errorPenalty * errorRate} (0 ignores errors)
 */
record AdaptiveRoutingConfig(Duration decayTime, int minSamples, double errorPenalty) {

  static final ConfigKey<Duration> DECAY_TIME = ConfigKey.duration("decay-time",
      Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofHours(1),
      "time constant of the latency and error-rate decay (half-life about 0.69 of it)");
  static final ConfigKey<Integer> MIN_SAMPLES = ConfigKey.integer("min-samples", 5, 0, 10_000,
      "completed attempts before an instance's own statistics are trusted (cold start)");
  static final ConfigKey<Double> ERROR_PENALTY = ConfigKey.decimal("error-penalty", 10, 0, 1000,
      "the score is multiplied by 1 + error-penalty x error rate (0: errors ignored)");
  static final List<ConfigKey<?>> KEYS = List.of(DECAY_TIME, MIN_SAMPLES, ERROR_PENALTY);

  static AdaptiveRoutingConfig from(PluginConfig config) {
    return new AdaptiveRoutingConfig(config.get(DECAY_TIME), config.get(MIN_SAMPLES),
        config.get(ERROR_PENALTY));
  }
}
