package dev.venice.plugins.latencybudget;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The latency-budget plugin's cost per single get on a router: {@link LatencyBudgetHook#onRequest}
 * then the scope's {@code onEnd}, as the router calls them around a call, with the plugin's real
 * classes and {@link TimeSource#SYSTEM}. {@code budgeted}: a store with a 50 ms budget (the
 * settings lookup, the window lookup, the scope object, two clock reads and one record into the
 * window's HdrHistogram {@code Recorder}); {@code none}: a store without a budget (the settings
 * lookup, then {@link RequestScope#NONE}). Store settings are read from a {@link
 * ConcurrentHashMap}, as the host keeps them. On one thread, and on two threads calling for the same
 * store (one recorder: its phaser counter and histogram shared).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LatencyBudgetBenchmark {
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");

  @Param({"budgeted", "none"})
  public String store;

  LatencyBudgetHook hook;
  InboundRequest request;

  @Setup
  public void setUp() {
    Duration interval = Duration.ofSeconds(30);
    Map<String, LatencyBudgetConfig> stores = new ConcurrentHashMap<>(Map.of(
        "budgeted", new LatencyBudgetConfig(50, interval, 3, 100),
        "none", new LatencyBudgetConfig(0, interval, 3, 100)));
    BudgetEvaluator budgets = evaluator(stores::get);
    hook = new LatencyBudgetHook(budgets, TimeSource.SYSTEM);
    request = new InboundRequest("venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, store,
        0, -1, 1, Map.of());
  }

  /**
   * The plugin's evaluator over {@code settings}, every store enabled and existing, 3 slices, the
   * system clock. Built by reflection over its package-private constructor's parameter types, so
   * the benchmark keeps compiling while the constructor gains predicates (setup only: the measured
   * path calls the hook directly).
   */
  static BudgetEvaluator evaluator(Function<String, LatencyBudgetConfig> settings) {
    Constructor<?> constructor = BudgetEvaluator.class.getDeclaredConstructors()[0];
    Class<?>[] types = constructor.getParameterTypes();
    Object[] args = new Object[types.length];
    Predicate<String> yes = store -> true;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == Function.class) {
        args[i] = settings;
      } else if (types[i] == Predicate.class) {
        args[i] = yes;
      } else if (types[i] == int.class) {
        args[i] = 3;
      } else if (types[i] == TimeSource.class) {
        args[i] = TimeSource.SYSTEM;
      } else {
        throw new IllegalStateException("BudgetEvaluator's constructor takes a " + types[i]);
      }
    }
    try {
      constructor.setAccessible(true);
      return (BudgetEvaluator) constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build a BudgetEvaluator", e);
    }
  }

  /** One thread. */
  @Benchmark
  @Threads(1)
  public void call() {
    hook.onRequest(request).onEnd(OK);
  }

  /** Two threads on the same store. */
  @Benchmark
  @Threads(2)
  public void call2Threads() {
    hook.onRequest(request).onEnd(OK);
  }
}
