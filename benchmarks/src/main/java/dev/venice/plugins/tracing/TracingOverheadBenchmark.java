package dev.venice.plugins.tracing;

import dev.venice.spi.client.DecoratorStack;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * What tracing adds to one single get on the caller's thread. {@code fastClientGet}: a fast
 * client's shape in miniature — the store-level stack around a client that builds a {@link
 * ReplicaRequest} and dispatches it through the replica-level stack to a fake replica answering at
 * once — with {@code sampling=off} (no tracing decorator: what a client without the plugin, or
 * with it not enabled, runs), {@code 0.01} and {@code 1.0} (the plugin's two decorators: the
 * call's INTERNAL span and the attempt's CLIENT span, their W3C headers written into the request
 * context). {@code serverRequestHook}: a server's request hook for one call (SERVER span opened
 * and ended) at the same ratios, {@code off} being no hook at all. Sampled spans go through the
 * SDK's batch span processor to an exporter that discards them (the export's own cost is on the
 * processor's thread, as in production; past its 2,048-span queue spans are dropped, counted).
 * The roles are built directly (no plugin host): the host's per-store switch, one volatile read, is
 * not included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingOverheadBenchmark {
  private static final String STORE = "users";
  private static final Replica REPLICA = new Replica("a_1", "127.0.0.1", 7001);
  private static final InboundRequest INBOUND = new InboundRequest(
      "venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, STORE, 1, 0, 1, Map.of());
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");

  @Param({"off", "0.01", "1.0"})
  public String sampling;

  private TracingSdk sdk;
  private StoreClient<byte[], byte[]> client;
  private TracingRequestHook hook;
  private final byte[] key = {1, 2, 3, 4};

  /** Discards every span, successfully. */
  private static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    ReplicaResponse answer = new ReplicaResponse(REPLICA,
        List.of(new ReplicaValue(0, 1, new byte[] {9})));
    ReplicaDispatcher replica = r -> CompletableFuture.completedFuture(answer);
    DecoratorStack.Builder stack = DecoratorStack.builder();
    if (!sampling.equals("off")) {
      TracingConfig config = TracingConfig.from(PluginConfig.of("tracing", TracingConfig.KEYS,
          Map.of("sampling-ratio", sampling)));
      StoreSettings<TracingConfig> settings = new StoreSettings<>() {
        @Override
        public TracingConfig get(String store) {
          return config;
        }

        @Override
        public TracingConfig processWide() {
          return config;
        }
      };
      sdk = new TracingSdk(settings, "client", "bench", new TracingMetrics(
          new SimpleMeterRegistry(), "venice.client.tracing."), c -> new DiscardingExporter());
      Set<String> fastStores = ConcurrentHashMap.newKeySet();
      stack.decorate(new TracingStoreDecorator(sdk, fastStores))
          .decorate(new TracingReplicaDecorator(sdk, fastStores));
      hook = new TracingRequestHook(sdk, false, "127.0.0.1_7001");
    }
    DecoratorStack built = stack.build();
    ReplicaDispatcher dispatcher = built.decorateDispatcher(replica, STORE);
    client = built.decorateClient(new MiniFastClient(dispatcher));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
  }

  @Benchmark
  public byte[] fastClientGet() {
    return client.get(key).join();
  }

  @Benchmark
  public RequestScope serverRequestHook() {
    if (hook == null) {
      return RequestScope.NONE;
    }
    RequestScope scope = hook.onRequest(INBOUND);
    scope.onEnd(OK);
    return scope;
  }

  /** The fast client's per-get work that a decorator sees around it: one replica request. */
  private static final class MiniFastClient implements StoreClient<byte[], byte[]> {
    private final ReplicaDispatcher dispatcher;
    private final List<Replica> candidates = List.of(REPLICA);

    MiniFastClient(ReplicaDispatcher dispatcher) {
      this.dispatcher = dispatcher;
    }

    @Override
    public String storeName() {
      return STORE;
    }

    @Override
    public CompletableFuture<byte[]> get(byte[] key, RequestContext context) {
      return dispatcher.dispatch(new ReplicaRequest(STORE, 1, 0, RequestKind.SINGLE_GET,
          List.of(key), context, candidates)).thenApply(r -> r.values().get(0).value());
    }

    @Override
    public CompletableFuture<Map<byte[], byte[]>> batchGet(Set<byte[]> keys,
        RequestContext context) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<byte[]> keys, RequestContext context,
        StreamingCallback<byte[], byte[]> callback) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public void close() {}
  }
}
