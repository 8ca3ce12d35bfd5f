package dev.venice.plugins.latencybudget;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.latency-budget.*} and per store in the
 * store's plugin settings. A store's budget is its {@code plugins.latency-budget.latency-budget-ms}
 * (the seed's {@code latencyBudgetMs}), written by {@code venice set-latency-budget}.
 *
 * @param budgetMs the store's p99 single-get budget in milliseconds; 0 for no budget (nothing is
 *     measured for the store)
 * @param evaluationInterval how often the evaluator closes a window slice and compares (process)
 * @param windowEvaluations how many of the latest slices the p99 is computed over (process)
 * @param minSamples the fewest single gets in the window for an evaluation to count as exceeded
 */
record LatencyBudgetConfig(long budgetMs, Duration evaluationInterval, int windowEvaluations,
    int minSamples) {
  static final ConfigKey<Long> LATENCY_BUDGET_MS = ConfigKey.longInteger("latency-budget-ms", 0,
      0, 3_600_000, "the store's p99 single-get latency budget on a router, in milliseconds"
          + " (the seed's latencyBudgetMs); 0 for none");
  static final ConfigKey<Duration> EVALUATION_INTERVAL = ConfigKey.duration(
      "evaluation-interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1),
      "how often the evaluator closes a window slice, computes each budgeted store's p99 and"
          + " compares it with the budget").processOnly();
  static final ConfigKey<Integer> WINDOW_EVALUATIONS = ConfigKey.integer("window-evaluations", 3,
      1, 60, "the p99 is over the single gets of the last this-many evaluation intervals")
      .processOnly();
  static final ConfigKey<Integer> MIN_SAMPLES = ConfigKey.integer("min-samples", 100, 1,
      10_000_000, "the fewest single gets in the window for a p99 over the budget to count as"
          + " exceeded");
  static final List<ConfigKey<?>> KEYS =
      List.of(LATENCY_BUDGET_MS, EVALUATION_INTERVAL, WINDOW_EVALUATIONS, MIN_SAMPLES);

  static LatencyBudgetConfig from(PluginConfig config) {
    return new LatencyBudgetConfig(config.get(LATENCY_BUDGET_MS), config.get(EVALUATION_INTERVAL),
        config.get(WINDOW_EVALUATIONS), config.get(MIN_SAMPLES));
  }

  /** Whether the store has a budget (and so is measured). */
  boolean budgeted() {
    return budgetMs > 0;
  }
}
