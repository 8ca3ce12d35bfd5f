package dev.venice.cli.store;

import dev.venice.cli.CliException;
import dev.venice.runtime.common.meta.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice set-latency-budget}: sets or removes a store's latency budget, the {@code
 * latency-budget} router plugin's store setting {@code plugins.latency-budget.latency-budget-ms}
 * (seed project 36's {@code latencyBudgetMs}), through the controller's store update: {@code
 * --budget-ms N} (1 to 3600000) sets it, {@code --unset} removes it, as {@code set-read-timeout
 * --unset} does. {@code --budget-ms 0} is refused with a pointer to {@code --unset} (checked here,
 * since the plugin's key allows 0 as "none" and a controller without the plugin checks nothing).
 * Routers with the plugin switched on pick the change up within one metadata refresh, without a
 * restart, and compare the store's p99 single-get latency with it at their next evaluation.
 */
@Command(name = "set-latency-budget", mixinStandardHelpOptions = true,
    description = "Set or remove a store's p99 single-get latency budget (the latency-budget"
        + " router plugin's plugins.latency-budget.latency-budget-ms). Routers with the plugin"
        + " switched on pick it up within one metadata refresh, without a restart, and count"
        + " latency_budget_exceeded when the store's p99 is over it.",
    footer = {"", "Examples:",
        "  venice set-latency-budget --store users --budget-ms 10",
        "  venice set-latency-budget --store users --unset",
        "  venice set-latency-budget --store users --budget-ms 10 --json"})
public final class SetLatencyBudgetCommand extends StoreCommand.Base {
  /** The store setting this command writes. */
  static final String KEY = "plugins.latency-budget.latency-budget-ms";
  /** The largest budget the plugin accepts (an hour). */
  static final int MAX_MS = 3_600_000;

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Change change;

  /** Exactly one of a new budget or its removal. */
  static final class Change {
    @Option(names = "--budget-ms", required = true, paramLabel = "MS",
        description = {"The store's p99 single-get latency budget in whole milliseconds (1 to "
            + MAX_MS + ").",
            "Example: --budget-ms 10"})
    Integer millis;

    @Option(names = "--unset", required = true,
        description = {"Remove the store's budget: routers stop timing and evaluating it.",
            "Example: --unset"})
    boolean unset;
  }

  @Override
  public Integer call() {
    if (!change.unset && (change.millis < 1 || change.millis > MAX_MS)) {
      throw new CliException("--budget-ms must be whole milliseconds from 1 to " + MAX_MS
          + " (--unset removes store " + store + "'s budget), not " + change.millis);
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put(KEY, change.unset ? null : String.valueOf(change.millis)); // null removes it
    Store updated = admin().updateStore(store, Map.of("pluginSettings", settings));
    String now = updated.pluginSettings().get(KEY);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", updated.name());
    json.put("latencyBudgetMs", now == null ? null : Long.valueOf(now.trim()));
    print(json, now == null
        ? "store " + updated.name() + ": latency budget removed"
        : "store " + updated.name() + ": latency budget " + now + " ms (p99 of single gets,"
            + " evaluated on routers with the latency-budget plugin)");
    return 0;
  }
}
