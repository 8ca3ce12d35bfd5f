package dev.venice.plugins.latencybudget;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code latency-budget} router plugin, wiring only: its descriptor, its keys ({@link
 * LatencyBudgetConfig}) and, at start, the {@link BudgetEvaluator} over the host-kept store
 * settings, the {@link LatencyBudgetHook} timing single gets into it, the {@link
 * LatencyBudgetTask} evaluating it every {@code evaluation-interval} and the {@link
 * LatencyBudgetEndpoint} serving its state. Nothing to close (the host stops the task).
 */
public final class LatencyBudgetPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("latency-budget", "1.0.0", "[1.4,2.0)",
        "per-store p99 single-get latency budgets, evaluated on routers over a rolling window;"
            + " counts and logs each exceedance",
        Set.of(ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LatencyBudgetConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    LatencyBudgetConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    StoreSettings<LatencyBudgetConfig> settings =
        context.storeSettings(LatencyBudgetConfig::from);
    LatencyBudgetConfig process = settings.processWide();
    BudgetEvaluator budgets = new BudgetEvaluator(settings::get, context::enabledForStore,
        BudgetEvaluator.existsIn(context.host().storeMetadata()), process.windowEvaluations(),
        context.time());
    extensions.addRequestHook(new LatencyBudgetHook(budgets, context.time()))
        .addBackgroundTask(new LatencyBudgetTask(budgets,
            new LatencyBudgetMetrics(context.meterRegistry(), context.metricPrefix()),
            context.logger(), process.evaluationInterval()))
        .addHttpEndpoint(new LatencyBudgetEndpoint(budgets, context.host().storeMetadata(),
            context.host().instanceId(), process.evaluationInterval()));
  }
}
