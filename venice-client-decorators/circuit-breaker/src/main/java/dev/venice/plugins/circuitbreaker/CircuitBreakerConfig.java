package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The breaker's settings, process-wide under {@code plugins.circuit-breaker.*} and per store in the
 * store's plugin settings. Key names follow Resilience4j's ({@code failureRateThreshold}, {@code
 * slidingWindowSize}, {@code minimumNumberOfCalls}, {@code waitDurationInOpenState}) in kebab case,
 * Envoy's outlier detection ({@code consecutive_5xx}) for the count rule and Failsafe's ({@code
 * successThreshold}) for closing, so operators of those recognise them. Half-open probing is
 * {@code max-probes-in-flight} (probes at once) with {@code success-threshold} (successes that
 * close), not Resilience4j's {@code permittedNumberOfCallsInHalfOpenState} (a total judged by
 * failure rate): the name differs because the meaning does.
 *
 * @param failureRateThreshold the failure percentage (of the last {@code slidingWindowSize} calls)
 *     at or above which the breaker opens; 0 switches the rate rule off
 * @param slidingWindowSize how many of the latest calls the failure rate is computed over
 * @param minimumNumberOfCalls calls recorded (since the breaker closed) before the rate is judged
 * @param consecutiveFailureThreshold failures in a row that open the breaker; 0 switches the count
 *     rule off
 * @param waitDurationInOpenState how long an open breaker refuses every call before it lets probes
 *     through (HALF_OPEN)
 * @param maxProbesInFlight probes in flight at once while HALF_OPEN
 * @param successThreshold successful probes that close a HALF_OPEN breaker
 */
record CircuitBreakerConfig(double failureRateThreshold, int slidingWindowSize,
    int minimumNumberOfCalls, int consecutiveFailureThreshold, Duration waitDurationInOpenState,
    int maxProbesInFlight, int successThreshold) {

  static final ConfigKey<Double> FAILURE_RATE_THRESHOLD = ConfigKey.decimal(
      "failure-rate-threshold", 50, 0, 100,
      "failure percentage of the sliding window that opens the breaker (0: rate rule off)");
  static final ConfigKey<Integer> SLIDING_WINDOW_SIZE = ConfigKey.integer("sliding-window-size",
      100, 1, 10_000, "the latest calls to an instance the failure rate is computed over");
  static final ConfigKey<Integer> MINIMUM_NUMBER_OF_CALLS = ConfigKey.integer(
      "minimum-number-of-calls", 100, 1, 10_000,
      "calls recorded since the breaker closed before the failure rate is judged");
  static final ConfigKey<Integer> CONSECUTIVE_FAILURE_THRESHOLD = ConfigKey.integer(
      "consecutive-failure-threshold", 5, 0, 1_000_000,
      "failures in a row that open the breaker (0: count rule off)");
  static final ConfigKey<Duration> WAIT_DURATION_IN_OPEN_STATE = ConfigKey.duration(
      "wait-duration-in-open-state", Duration.ofSeconds(10), Duration.ofMillis(1),
      Duration.ofHours(1), "how long an open breaker refuses calls before it lets probes through");
  static final ConfigKey<Integer> MAX_PROBES_IN_FLIGHT =
      ConfigKey.integer("max-probes-in-flight", 1, 1, 1000,
          "probes in flight at once while half-open; every other call fails fast");
  static final ConfigKey<Integer> SUCCESS_THRESHOLD = ConfigKey.integer("success-threshold", 3,
      1, 1000, "successful probes that close a half-open breaker");
  static final List<ConfigKey<?>> KEYS = List.of(FAILURE_RATE_THRESHOLD, SLIDING_WINDOW_SIZE,
      MINIMUM_NUMBER_OF_CALLS, CONSECUTIVE_FAILURE_THRESHOLD, WAIT_DURATION_IN_OPEN_STATE,
      MAX_PROBES_IN_FLIGHT, SUCCESS_THRESHOLD);

  /**
   * The rules across keys: at least one rule must be able to open the breaker, and the rate rule
   * must be reachable (Resilience4j silently lowers {@code minimumNumberOfCalls} to the window
   * size; a refused setting says it plainly instead).
   *
   * @throws ConfigException naming the keys when both rules are off, or when the rate rule is on
   *     and {@code minimum-number-of-calls} exceeds {@code sliding-window-size}
   */
  static void validate(PluginConfig config) {
    double rate = config.get(FAILURE_RATE_THRESHOLD);
    if (rate == 0 && config.get(CONSECUTIVE_FAILURE_THRESHOLD) == 0) {
      throw new ConfigException(key(FAILURE_RATE_THRESHOLD), key(FAILURE_RATE_THRESHOLD)
          + "=0 with " + key(CONSECUTIVE_FAILURE_THRESHOLD) + "=0 never opens the breaker; set"
          + " plugins.circuit-breaker.enabled=false for the store instead, or set a threshold");
    }
    int minimum = config.get(MINIMUM_NUMBER_OF_CALLS);
    int window = config.get(SLIDING_WINDOW_SIZE);
    if (rate > 0 && minimum > window) {
      throw new ConfigException(key(MINIMUM_NUMBER_OF_CALLS), key(MINIMUM_NUMBER_OF_CALLS) + "="
          + minimum + " is more than " + key(SLIDING_WINDOW_SIZE) + "=" + window + ": the"
          + " window never holds that many calls, so the failure rate would never be judged");
    }
  }

  static CircuitBreakerConfig from(PluginConfig config) {
    return new CircuitBreakerConfig(config.get(FAILURE_RATE_THRESHOLD),
        config.get(SLIDING_WINDOW_SIZE), config.get(MINIMUM_NUMBER_OF_CALLS),
        config.get(CONSECUTIVE_FAILURE_THRESHOLD), config.get(WAIT_DURATION_IN_OPEN_STATE),
        config.get(MAX_PROBES_IN_FLIGHT), config.get(SUCCESS_THRESHOLD));
  }

  private static String key(ConfigKey<?> key) {
    return "plugins.circuit-breaker." + key.name();
  }
}
