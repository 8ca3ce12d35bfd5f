package dev.venice.benchmarks;

import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server read path's hook dispatch per key lookup, as the server does it: {@code none} (no
 * plugin on: the read path checks {@code isEmpty()} and skips everything), {@code off-for-store}
 * (the no-op plugin started but switched off for the store: the per-store lookup of the hooks,
 * then {@code isEmpty()}), {@code noop} (the plugin on for the store, its read hook doing nothing:
 * the per-store lookup, the guard's class-loader switch and exception containment).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReadHookDispatchBenchmark {
  @Param({"none", "off-for-store", "noop"})
  public String hooks;

  private PluginManager plugins;
  private ReadHooks readHooks;
  private ReadRequest request;
  private final ReadOutcome outcome = new ReadOutcome(true, 100, 1000, false);

  @Setup(Level.Trial)
  public void setUp() {
    plugins = PluginManager.builder(BasicHostServices.minimal("server", "bench", "bench"))
        .classPath(getClass().getClassLoader())
        .config(switch (hooks) {
          case "noop" -> Map.of("plugins.bench-noop-read-hook.enabled", "true");
          case "off-for-store" -> Map.of("plugins.bench-noop-read-hook.enabled", "true",
              "plugins.bench-noop-read-hook.stores-enabled-by-default", "false");
          default -> Map.of();
        })
        .build().start();
    readHooks = plugins.readHooks();
    request = new ReadRequest("bench", 1, 0, new byte[16], Map.of());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plugins.close();
  }

  /** What the server does around one lookup. */
  @Benchmark
  public boolean lookup() {
    ReadHooks readHooks = this.readHooks.forStore(request.store());
    if (readHooks.isEmpty()) {
      return false;
    }
    ReadDecision decision = readHooks.beforeRead(request);
    readHooks.afterRead(request, outcome);
    return decision.answered();
  }
}
