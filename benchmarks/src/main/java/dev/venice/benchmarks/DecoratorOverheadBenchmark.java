package dev.venice.benchmarks;

import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * What a replica dispatch costs through the decorator stack a client builds from its plugins:
 * {@code bare} (no stack), {@code disabled} (the hedging plugin found on the class path but off:
 * the stack must be empty, i.e. zero cost), {@code off-for-store} (hedging started but switched off
 * for the store: each call checks the switch and goes straight to the replica), and {@code hedging}
 * (on, against a replica that answers
 * at once, so no hedge fires and only the bookkeeping is measured). {@code replica=async} completes
 * each call on another thread, as a real replica does, so hedging also arms its timer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecoratorOverheadBenchmark {
  private static final Replica A = new Replica("a_1", "127.0.0.1", 1);
  private static final Replica B = new Replica("b_1", "127.0.0.1", 2);

  @Param({"bare", "disabled", "off-for-store", "hedging"})
  public String stack;

  @Param({"sync", "async"})
  public String replica;

  private PluginManager plugins;
  private ExecutorService replicaThread;
  private ReplicaDispatcher dispatcher;
  private ReplicaRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    ReplicaResponse answer = new ReplicaResponse(A, List.of());
    replicaThread = Executors.newSingleThreadExecutor();
    ReplicaDispatcher server = replica.equals("sync")
        ? r -> CompletableFuture.completedFuture(answer)
        : r -> CompletableFuture.supplyAsync(() -> answer, replicaThread);
    plugins = PluginManager.builder(BasicHostServices.minimal("client", "bench", "bench"))
        .classPath(getClass().getClassLoader())
        .config(switch (stack) {
          case "hedging" -> Map.of("plugins.hedging.enabled", "true",
              "plugins.hedging.delay", "50ms");
          case "off-for-store" -> Map.of("plugins.hedging.enabled", "true",
              "plugins.hedging.stores-enabled-by-default", "false");
          default -> Map.of();
        })
        .build().start();
    dispatcher = stack.equals("bare") ? server
        : plugins.decorators().decorateDispatcher(server, "bench");
    request = new ReplicaRequest("bench", 1, 0, RequestKind.SINGLE_GET, List.of(new byte[8]),
        RequestContext.of("bench"), List.of(A, B));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plugins.close();
    replicaThread.shutdownNow();
  }

  @Benchmark
  public ReplicaResponse dispatch() {
    return dispatcher.dispatch(request).join();
  }
}
