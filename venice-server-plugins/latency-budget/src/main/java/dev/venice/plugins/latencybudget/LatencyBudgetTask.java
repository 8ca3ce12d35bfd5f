package dev.venice.plugins.latencybudget;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The evaluator, every {@code evaluation-interval}: runs {@link BudgetEvaluator#evaluate}, makes
 * sure each evaluated store has its meters, and logs one structured WARN per exceeded evaluation
 * naming the store, the p99, the budget and the sample count (as slf4j key-values and in the
 * message text); removes the meters of each store the evaluation dropped. Run by the host on the
 * plugin's scheduler thread, one run at a time.
 */
final class LatencyBudgetTask implements BackgroundTask {
  private final BudgetEvaluator budgets;
  private final LatencyBudgetMetrics metrics;
  private final Logger logger;
  private final Duration interval;

  LatencyBudgetTask(BudgetEvaluator budgets, LatencyBudgetMetrics metrics, Logger logger,
      Duration interval) {
    this.budgets = budgets;
    this.metrics = metrics;
    this.logger = logger;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    for (BudgetEvaluator.Evaluation e : budgets.evaluate(metrics::untrack)) {
      budgets.state(e.store()).ifPresent(metrics::track);
      if (e.exceeded()) {
        logger.atWarn()
            .addKeyValue("event", "latency_budget_exceeded")
            .addKeyValue("store", e.store())
            .addKeyValue("p99Ms", round(e.p99Ms()))
            .addKeyValue("budgetMs", e.budgetMs())
            .addKeyValue("samples", e.samples())
            .log(message(e, interval.multipliedBy(budgets.windowEvaluations())));
      }
    }
  }

  /** The WARN's text: {@code latency_budget_exceeded store=S p99Ms=.. budgetMs=.. ...}. */
  static String message(BudgetEvaluator.Evaluation e, Duration window) {
    return String.format(Locale.ROOT, "latency_budget_exceeded store=%s p99Ms=%s budgetMs=%d"
        + " samples=%d maxMs=%s window=%s: the store's p99 single-get latency on this router is"
        + " over its budget", e.store(), round(e.p99Ms()), e.budgetMs(), e.samples(),
        round(e.maxMs()), ConfigKey.format(window));
  }

  private static String round(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }
}
