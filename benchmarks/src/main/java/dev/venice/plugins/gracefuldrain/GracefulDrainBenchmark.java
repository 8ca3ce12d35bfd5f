package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the graceful-drain plugin's request hook costs per read call: open and end one call
 * ({@code onRequest(...).onEnd(...)}) on one shared {@link DrainCoordinator}, with 1 and 2 threads
 * calling at once (gRPC threads on different cores).
 *
 * <ul>
 *   <li>{@code baseline}: {@link RequestScope#NONE} opened and ended, what a call costs without the
 *       plugin (a process without a request hook does not even do this);
 *   <li>{@code serving}: the plugin while no drain runs (a {@code LongAdder} increment, a volatile
 *       read, a decrement);
 *   <li>{@code draining}: the same during a drain (plus a clock read and a volatile write of the
 *       call's start);
 *   <li>{@code atomicLong}: the count an {@code AtomicLong} would keep instead (increment and
 *       decrement of one shared field), the alternative the plugin's {@code LongAdder} avoids.
 * </ul>
 *
 * The roles are built directly, without a host: the host's per-store switch (one volatile read)
 * is not included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GracefulDrainBenchmark {
  private static final InboundRequest INBOUND = new InboundRequest(
      "venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, "users", 1, 0, 1, Map.of());
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");

  private DrainRequestHook serving;
  private DrainRequestHook draining;
  private final AtomicLong shared = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    serving = new DrainRequestHook(new DrainCoordinator(TimeSource.SYSTEM, Duration.ofHours(1),
        Duration.ofSeconds(1), "bench is stopping: drain deadline passed"));
    DrainCoordinator drain = new DrainCoordinator(TimeSource.SYSTEM, Duration.ofHours(1),
        Duration.ofSeconds(1), "bench is stopping: drain deadline passed");
    drain.begin(null); // never awaited: the drain runs for the whole trial
    draining = new DrainRequestHook(drain);
  }

  private static RequestScope openAndEnd(DrainRequestHook hook) {
    RequestScope scope = hook.onRequest(INBOUND);
    scope.onEnd(OK);
    return scope;
  }

  private long atomic() {
    shared.incrementAndGet();
    return shared.decrementAndGet();
  }

  @Benchmark
  @Threads(1)
  public RequestScope baseline1() {
    RequestScope.NONE.onEnd(OK);
    return RequestScope.NONE;
  }

  @Benchmark
  @Threads(2)
  public RequestScope baseline2() {
    RequestScope.NONE.onEnd(OK);
    return RequestScope.NONE;
  }

  @Benchmark
  @Threads(1)
  public RequestScope serving1() {
    return openAndEnd(serving);
  }

  @Benchmark
  @Threads(2)
  public RequestScope serving2() {
    return openAndEnd(serving);
  }

  @Benchmark
  @Threads(1)
  public RequestScope draining1() {
    return openAndEnd(draining);
  }

  @Benchmark
  @Threads(2)
  public RequestScope draining2() {
    return openAndEnd(draining);
  }

  @Benchmark
  @Threads(1)
  public long atomicLong1() {
    return atomic();
  }

  @Benchmark
  @Threads(2)
  public long atomicLong2() {
    return atomic();
  }
}
