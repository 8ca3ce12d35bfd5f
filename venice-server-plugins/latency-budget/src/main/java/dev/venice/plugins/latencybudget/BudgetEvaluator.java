package dev.venice.plugins.latencybudget;

import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.TimeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * The latency budgets of one router: per budgeted store a {@link LatencyWindow} of its single-get
 * latencies, and the evaluation that closes a slice of every window, computes each store's p99
 * over the window and compares it with the store's current budget.
 *
 * <p>A store is measured only while it has a budget ({@code latency-budget-ms > 0}, read on every
 * call from the host-kept settings, so a change applies from the next call with no restart). At
 * the first evaluation after a store's budget is removed, the store is deleted (the router's
 * metadata no longer has it) or the plugin is switched off for it, its window and its state are
 * dropped (and its meters with them, by the caller of {@link #evaluate(Consumer)}): it leaves the
 * status endpoint and {@code /metrics}, and starts afresh if it is budgeted again. An evaluation is
 * <em>exceeded</em> when the window holds at least {@code min-samples} calls and their p99 is
 * above the budget. Each exceeded evaluation counts once: a store over its budget for five
 * evaluations counts five.
 *
 * <p>Thread-safety: {@link #windowFor} and the readers ({@link #state}, {@link #states}) from any
 * thread; {@link #evaluate} from one thread at a time (the background task's).
 */
final class BudgetEvaluator {
  private final Function<String, LatencyBudgetConfig> settings;
  private final Predicate<String> enabled;
  private final Predicate<String> exists;
  private final int windowEvaluations;
  private final TimeSource time;
  private final Map<String, LatencyWindow> windows = new ConcurrentHashMap<>();
  private final Map<String, StoreState> states = new ConcurrentHashMap<>();
  private final Histogram merged = new Histogram(LatencyWindow.DIGITS); // the evaluating thread's

  /**
   * @param settings a store's current settings (never throws)
   * @param enabled whether the plugin is on for a store: a store switched off is dropped
   * @param exists whether the router's metadata has the store: a deleted store is dropped
   * @param windowEvaluations the slices of every window
   * @param time the clock of evaluation timestamps
   */
  BudgetEvaluator(Function<String, LatencyBudgetConfig> settings, Predicate<String> enabled,
      Predicate<String> exists, int windowEvaluations, TimeSource time) {
    this.settings = settings;
    this.enabled = enabled;
    this.exists = exists;
    this.windowEvaluations = windowEvaluations;
    this.time = time;
  }

  /**
   * Whether the router's metadata has a store, for {@code exists}: true when the router keeps no
   * metadata or cannot read it right now (a store is dropped only when it is known to be gone).
   */
  static Predicate<String> existsIn(Optional<StoreMetadataService> metadata) {
    return store -> {
      try {
        return metadata.map(m -> m.store(store).isPresent()).orElse(true);
      } catch (RuntimeException unreadable) {
        return true;
      }
    };
  }

  /**
   * The window to record a single get of {@code store} into, or {@code null} when the store has no
   * budget. A map lookup per call (plus the window's creation on a store's first budgeted call).
   */
  LatencyWindow windowFor(String store) {
    if (!settings.apply(store).budgeted()) {
      return null;
    }
    LatencyWindow window = windows.get(store);
    return window != null ? window
        : windows.computeIfAbsent(store, s -> new LatencyWindow(windowEvaluations));
  }

  /** {@link #evaluate(Consumer)} ignoring the dropped stores. */
  List<Evaluation> evaluate() {
    return evaluate(store -> {});
  }

  /**
   * Closes a slice of every window and evaluates each store that has one and a budget; drops the
   * window and the state of each store that has no budget now, no longer exists or has the plugin
   * switched off, and of each store evaluated before that has no window now. One thread at a time.
   *
   * @param dropped called with each store dropped by this evaluation (to remove its meters)
   * @return this evaluation's results, one per budgeted store with a window, by store name
   */
  List<Evaluation> evaluate(Consumer<String> dropped) {
    Instant now = time.now();
    List<Evaluation> results = new ArrayList<>();
    for (Map.Entry<String, LatencyWindow> e : windows.entrySet()) {
      String store = e.getKey();
      LatencyBudgetConfig config = settings.apply(store);
      if (!config.budgeted() || !enabled.test(store) || !exists.test(store)) {
        windows.remove(store, e.getValue());
        continue;
      }
      LatencyWindow.Summary window = e.getValue().rotate(merged);
      boolean exceeded = window.samples() >= config.minSamples()
          && window.p99Ms() > config.budgetMs();
      Evaluation evaluation = new Evaluation(store, config.budgetMs(), window.p99Ms(),
          window.maxMs(), window.samples(), config.minSamples(), exceeded, now);
      states.computeIfAbsent(store, StoreState::new).update(evaluation);
      results.add(evaluation);
    }
    for (String store : List.copyOf(states.keySet())) {
      if (!windows.containsKey(store) && states.remove(store) != null) {
        dropped.accept(store);
      }
    }
    results.sort((a, b) -> a.store().compareTo(b.store()));
    return results;
  }

  /** The store's evaluation history on this router, if it was ever evaluated. */
  Optional<StoreState> state(String store) {
    return Optional.ofNullable(states.get(store));
  }

  /** Every store evaluated at least once on this router. */
  Collection<StoreState> states() {
    return states.values();
  }

  /** Whether {@code store} is measured now: it has a budget and the plugin is on for it. */
  boolean measured(String store) {
    return settings.apply(store).budgeted() && enabled.test(store);
  }

  /** The current settings of {@code store}. */
  LatencyBudgetConfig settings(String store) {
    return settings.apply(store);
  }

  /** The slices of every window. */
  int windowEvaluations() {
    return windowEvaluations;
  }

  /**
   * One store's evaluation.
   *
   * @param store the store
   * @param budgetMs its budget when evaluated, milliseconds
   * @param p99Ms the window's p99 single-get latency, milliseconds (0 with no call)
   * @param maxMs the window's slowest single get, milliseconds
   * @param samples the single gets in the window
   * @param minSamples the fewest for an exceedance
   * @param exceeded whether {@code samples >= minSamples} and {@code p99Ms > budgetMs}
   * @param at when it was evaluated
   */
  record Evaluation(String store, long budgetMs, double p99Ms, double maxMs, long samples,
      int minSamples, boolean exceeded, Instant at) {}

  /**
   * What this router knows of one store's budget: its last evaluation, the exceeded evaluations
   * since start and the last exceeded one. Written by the evaluating thread, read by any.
   */
  static final class StoreState {
    private final String store;
    private volatile Evaluation last;
    private volatile long exceededCount;
    private volatile Evaluation lastExceeded;

    StoreState(String store) {
      this.store = store;
    }

    private void update(Evaluation evaluation) {
      if (evaluation.exceeded()) {
        lastExceeded = evaluation;
        exceededCount++; // one writer: the evaluating thread
      }
      last = evaluation;
    }

    String store() {
      return store;
    }

    /** The last evaluation; null before the first. */
    Evaluation last() {
      return last;
    }

    /** The exceeded evaluations since start. */
    long exceededCount() {
      return exceededCount;
    }

    /** The last exceeded evaluation; null if none. */
    Evaluation lastExceeded() {
      return lastExceeded;
    }
  }
}
