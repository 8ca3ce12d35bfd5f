package dev.venice.benchmarks;

import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.runtime.common.plugin.SecurityHooks;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.testkit.TestingStateStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
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
 * the per-store lookup, the guard's class-loader switch and exception containment), {@code
 * acl-authorizer} (security on: before the hooks, the read is authorized as a server's or router's
 * gRPC port does it, its {@code AccessRequest} built and the acl-authorizer plugin asked through the
 * host's guard, the principal holding a READ grant on the store among 1,001 entries). Every row
 * runs the same code: without an authorizer the check is one {@code hasAuthorizer()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReadHookDispatchBenchmark {
  @Param({"none", "off-for-store", "noop", "acl-authorizer"})
  public String hooks;

  private PluginManager plugins;
  private ReadHooks readHooks;
  private SecurityHooks security;
  private final Principal reader = Principal.authenticated("reader", Set.of("readers"));
  private ReadRequest request;
  private final ReadOutcome outcome = new ReadOutcome(true, 100, 1000, false);

  @Setup(Level.Trial)
  public void setUp() {
    TestingStateStore acls = new TestingStateStore(TimeSource.SYSTEM);
    StringJoiner entries = new StringJoiner(",", "{\"format\":1,\"entries\":[", "]}");
    entries.add("{\"subject\":\"user:reader\",\"resource\":\"store:bench\",\"access\":\"READ\"}");
    for (int i = 0; i < 1000; i++) {
      entries.add("{\"subject\":\"user:user-" + i + "\",\"resource\":\"store:store-" + i
          + "\",\"access\":\"READ\"}");
    }
    acls.create("acls", entries.toString().getBytes(StandardCharsets.UTF_8));
    plugins = PluginManager.builder(BasicHostServices.minimal("server", "bench", "bench"))
        .classPath(getClass().getClassLoader())
        .config(switch (hooks) {
          case "noop" -> Map.of("plugins.bench-noop-read-hook.enabled", "true");
          case "off-for-store" -> Map.of("plugins.bench-noop-read-hook.enabled", "true",
              "plugins.bench-noop-read-hook.stores-enabled-by-default", "false");
          case "acl-authorizer" -> Map.of("plugins.acl-authorizer.enabled", "true");
          default -> Map.of();
        })
        .stateStores(id -> acls)
        .build().start();
    readHooks = plugins.readHooks();
    security = plugins.securityHooks();
    if (hooks.equals("acl-authorizer") && !security.hasAuthorizer()) {
      throw new IllegalStateException("the acl-authorizer plugin did not start: "
          + plugins.plugins());
    }
    request = new ReadRequest("bench", 1, 0, new byte[16], Map.of());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plugins.close();
  }

  /** What the server does around one lookup (the authorization is per call, here one key). */
  @Benchmark
  public boolean lookup() {
    if (security.hasAuthorizer() && !security.authorize(new AccessRequest(reader, "get",
        AccessLevel.READ, Resource.store(request.store()))).allowed()) {
      throw new IllegalStateException("the benchmark's read was denied");
    }
    ReadHooks readHooks = this.readHooks.forStore(request.store());
    if (readHooks.isEmpty()) {
      return false;
    }
    ReadDecision decision = readHooks.beforeRead(request);
    readHooks.afterRead(request, outcome);
    return decision.answered();
  }
}
