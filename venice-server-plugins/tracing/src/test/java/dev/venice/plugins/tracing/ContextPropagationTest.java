package dev.venice.plugins.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trace context across every asynchronous hop of the client side: calls are answered on other
 * executors (as gRPC threads answer them), replica attempts are dispatched and completed on yet
 * other threads, and a router's request hook (another plugin instance, as in a local cluster)
 * receives the headers the client sent. Each test checks which span is whose parent.
 */
class ContextPropagationTest {
  private static final String STORE = "users";
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_2", "b", 2);

  /** Stands in for gRPC's threads: answers arrive here, never on the caller's thread. */
  private final ExecutorService grpcThreads = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "fake-grpc");
    t.setDaemon(true);
    return t;
  });
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final List<TestingPluginContext> contexts = new ArrayList<>();
  private final List<TracingPlugin> plugins = new ArrayList<>();

  @AfterEach
  void close() {
    grpcThreads.shutdownNow();
    contexts.forEach(TestingPluginContext::close);
  }

  private TestingExtensions start(ProcessKind kind, Map<String, String> config) throws Exception {
    TracingPlugin plugin = new TracingPlugin(c -> exported);
    TestingPluginContext context = TestingPluginContext.builder(plugin).processKind(kind)
        .config(config).build();
    contexts.add(context);
    plugins.add(plugin);
    return context.start();
  }

  private TestingExtensions client() throws Exception {
    return start(ProcessKind.CLIENT, Map.of("sampling-ratio", "1.0"));
  }

  /** Every span every plugin instance ended so far. */
  private List<SpanData> spans() {
    plugins.forEach(p -> p.sdk().flush());
    return exported.getFinishedSpanItems();
  }

  private SpanData only(SpanKind kind) {
    List<SpanData> ofKind = spans().stream().filter(s -> s.getKind() == kind).toList();
    assertEquals(1, ofKind.size(), kind + " spans: " + ofKind);
    return ofKind.get(0);
  }

  private static String traceId(RequestContext context) {
    return context.header("traceparent").orElseThrow().split("-")[1];
  }

  private static String spanId(RequestContext context) {
    return context.header("traceparent").orElseThrow().split("-")[2];
  }

  /** The sampled bit of the traceparent's flags (OpenTelemetry also sets the random bit, 02). */
  private static boolean sampled(RequestContext context) {
    return (Integer.parseInt(context.header("traceparent").orElseThrow().split("-")[3], 16) & 1)
        == 1;
  }

  // ---- thin client: the store span reaches the next process in the request's headers ----------

  @Test
  void theCallersSpanParentsTheRoutersWhenTheAnswerComesOnAnotherThread() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    TestingExtensions router = start(ProcessKind.ROUTER, Map.of("sampling-ratio", "0.0"));

    CompletableFuture<String> answer = client.get("k");
    RequestContext sent = inner.lastCall().context();
    // the router receives the call on a gRPC thread, answers, and the client completes there too
    CompletableFuture<Void> routed = CompletableFuture.runAsync(() -> router.requestHooks().get(0)
        .onRequest(new InboundRequest("venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET,
            STORE, 0, -1, 1, sent.headers())).onEnd(new RequestEnd(0, "OK", "")), grpcThreads)
        .thenRunAsync(() -> inner.lastCall().answer("v"), grpcThreads);
    assertEquals("v", answer.get(10, TimeUnit.SECONDS));
    routed.join();

    SpanData atClient = only(SpanKind.CLIENT);
    SpanData atRouter = only(SpanKind.SERVER);
    assertFalse(atClient.getParentSpanContext().isValid(), "no caller context: a new trace");
    assertEquals(atClient.getSpanId(), spanId(sent), "the header names the client span");
    assertEquals(atClient.getTraceId(), atRouter.getTraceId());
    assertEquals(atClient.getSpanId(), atRouter.getParentSpanId(),
        "the router's span is the client span's child, although sampled at 0 there: the"
            + " caller's decision wins");
    assertEquals("venice.read.v1.VeniceRead/Get", atClient.getName());
    assertEquals(0L, atClient.getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
    assertTrue(atClient.getEndEpochNanos() >= atRouter.getEndEpochNanos(),
        "ended when the answer came, after the router");
  }

  @Test
  void theCallersCurrentContextIsHonoured() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    InMemorySpanExporter appSpans = InMemorySpanExporter.create();
    try (SdkTracerProvider app = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(appSpans)).build()) {
      Span request = app.get("app").spanBuilder("handle checkout").startSpan();
      CompletableFuture<String> answer;
      try (Scope ignored = request.makeCurrent()) {
        answer = client.get("k");
      }
      request.end();
      // the caller's thread has left its span; the answer comes later, elsewhere
      grpcThreads.submit(() -> inner.lastCall().answer("v"));
      assertEquals("v", answer.get(10, TimeUnit.SECONDS));

      SpanData call = only(SpanKind.CLIENT);
      assertEquals(request.getSpanContext().getTraceId(), call.getTraceId());
      assertEquals(request.getSpanContext().getSpanId(), call.getParentSpanId());
      assertEquals(call.getSpanId(), spanId(inner.lastCall().context()));
    }
  }

  @Test
  void aTraceparentTheCallerSentWinsAndIsReplacedByTheCallsSpan() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.answeringAtOnce(STORE,
        Map.of("k", "v"));
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    client.get("k", RequestContext.of(STORE).withHeader("traceparent",
        "00-" + callerTrace + "-" + callerSpan + "-01").withHeader("x-other", "kept")).join();

    SpanData call = only(SpanKind.CLIENT);
    assertEquals(callerTrace, call.getTraceId());
    assertEquals(callerSpan, call.getParentSpanId());
    assertTrue(call.getParentSpanContext().isRemote());
    RequestContext sent = inner.lastCall().context();
    assertEquals(call.getSpanId(), spanId(sent), "the caller's header replaced by the call's");
    assertEquals("kept", sent.header("x-other").orElseThrow());
  }

  @Test
  void aCallWithoutContextStartsATraceAndCarriesItsHeader() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.answeringAtOnce(STORE,
        Map.of());
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    assertNull(client.get("nobody").join(), "a missing key is no error");
    SpanData call = only(SpanKind.CLIENT);
    assertFalse(call.getParentSpanContext().isValid());
    assertEquals(call.getTraceId(), traceId(inner.lastCall().context()));
    assertTrue(sampled(inner.lastCall().context()));
    assertEquals(StatusCode.UNSET, call.getStatus().getStatusCode());
    assertEquals(STORE, call.getAttributes().get(RpcConventions.VENICE_STORE));
  }

  // ---- fast client: replica attempts ---------------------------------------------------------

  /**
   * A fast client in miniature, as {@code FastClient} drives the replica dispatcher: the call's
   * context goes into a replica request; an unavailable replica is retried on the remaining
   * candidates (a new dispatch). Replicas answer on the fake gRPC threads.
   */
  private final class MiniFastClient implements StoreClient<String, String> {
    final ReplicaDispatcher dispatcher;
    final Queue seen = new Queue();

    MiniFastClient(TestingExtensions extensions, Set<Replica> unavailable) {
      this.dispatcher = extensions.replicaDecorators().get(0).decorate(request -> {
        seen.add(request);
        Replica replica = request.candidates().get(0);
        return CompletableFuture.supplyAsync(() -> {
          if (unavailable.contains(replica)) {
            throw new ServiceUnavailableException(STORE, replica + " unavailable", null);
          }
          return new ReplicaResponse(replica, List.of(new ReplicaValue(0, 1, new byte[] {7})));
        }, grpcThreads);
      }, STORE);
    }

    @Override
    public String storeName() {
      return STORE;
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      CompletableFuture<String> result = new CompletableFuture<>();
      attempt(new ReplicaRequest(STORE, 3, 5, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
          context, List.of(A, B)), result);
      return result;
    }

    private void attempt(ReplicaRequest request, CompletableFuture<String> result) {
      dispatcher.dispatch(request).whenComplete((response, error) -> {
        if (error == null) {
          result.complete("v");
        } else if (request.candidates().size() > 1) {
          attempt(request.withCandidates(request.candidates().subList(1,
              request.candidates().size())), result);
        } else {
          result.completeExceptionally(error);
        }
      });
    }

    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
        RequestContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
        StreamingCallback<String, String> callback) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  /** The replica requests a fake replica received. */
  private static final class Queue extends ConcurrentLinkedQueue<ReplicaRequest> {}

  @Test
  void eachReplicaAttemptIsAChildOfTheCallAndTheServerSeesItsOwnAttempt() throws Exception {
    TestingExtensions extensions = client();
    // as the fast client builds it: its dispatcher first, then the store-level stack around it
    MiniFastClient fast = new MiniFastClient(extensions, Set.of(A));
    StoreClient<String, String> client = extensions.storeDecorators().get(0).decorate(fast);

    assertEquals("v", client.get("k").get(10, TimeUnit.SECONDS));

    SpanData call = only(SpanKind.INTERNAL);
    assertEquals("VeniceClient/Get", call.getName());
    List<SpanData> attempts = spans().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted((x, y) -> Long.compare(x.getStartEpochNanos(), y.getStartEpochNanos())).toList();
    assertEquals(2, attempts.size(), "A failed over to B: " + attempts);
    List<ReplicaRequest> seen = List.copyOf(fast.seen);
    for (int i = 0; i < 2; i++) {
      SpanData attempt = attempts.get(i);
      assertEquals(call.getSpanId(), attempt.getParentSpanId(), "attempt " + i);
      assertEquals(call.getTraceId(), attempt.getTraceId());
      assertEquals(attempt.getSpanId(), spanId(seen.get(i).context()),
          "the replica is sent the attempt's own traceparent");
    }
    assertEquals("a", attempts.get(0).getAttributes().get(RpcConventions.SERVER_ADDRESS));
    assertEquals(1L, attempts.get(0).getAttributes().get(RpcConventions.SERVER_PORT));
    assertEquals(14L, attempts.get(0).getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
    assertEquals(StatusCode.ERROR, attempts.get(0).getStatus().getStatusCode());
    assertEquals("b", attempts.get(1).getAttributes().get(RpcConventions.SERVER_ADDRESS));
    assertEquals(0L, attempts.get(1).getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
    assertEquals(5L, attempts.get(1).getAttributes().get(RpcConventions.VENICE_PARTITION));
    assertEquals(3L, attempts.get(1).getAttributes().get(RpcConventions.VENICE_VERSION));
    assertEquals(1L, attempts.get(1).getAttributes().get(RpcConventions.VENICE_KEY_COUNT));
    assertTrue(call.getEndEpochNanos() >= attempts.get(1).getEndEpochNanos());
  }

  @Test
  void aHedgeAndItsCancelledLoserEachHaveASpanAndTheLoserIsNoError() throws Exception {
    List<CompletableFuture<ReplicaResponse>> sent = new ArrayList<>();
    List<ReplicaRequest> requests = new ArrayList<>();
    ReplicaDispatcher traced = client().replicaDecorators().get(0).decorate(request -> {
      CompletableFuture<ReplicaResponse> pending = new CompletableFuture<>();
      sent.add(pending);
      requests.add(request);
      return pending;
    }, STORE);
    RequestContext context = RequestContext.of(STORE).withHeader("traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ReplicaRequest request = new ReplicaRequest(STORE, 1, 0, RequestKind.SINGLE_GET,
        List.of(new byte[] {1}), context, List.of(A, B));
    CompletableFuture<ReplicaResponse> first = traced.dispatch(request);
    CompletableFuture<ReplicaResponse> hedge = traced.dispatch(request.withCandidates(List.of(B)));
    grpcThreads.submit(() -> sent.get(1).complete(new ReplicaResponse(B, List.of()))).get();
    hedge.join();
    first.cancel(true);
    assertTrue(sent.get(0).isCancelled(), "cancelling the attempt cancels the call below");
    assertNotEquals(spanId(requests.get(0).context()), spanId(requests.get(1).context()));

    List<SpanData> attempts = spans();
    assertEquals(2, attempts.size());
    SpanData loser = attempts.stream().filter(s -> "a".equals(s.getAttributes()
        .get(RpcConventions.SERVER_ADDRESS))).findFirst().orElseThrow();
    assertEquals(Boolean.TRUE, loser.getAttributes().get(RpcConventions.VENICE_CANCELLED));
    assertEquals(1L, loser.getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
    assertEquals(StatusCode.UNSET, loser.getStatus().getStatusCode());
    attempts.forEach(s -> assertEquals("00f067aa0ba902b7", s.getParentSpanId()));
  }

  // ---- the call's future -----------------------------------------------------------------------

  @Test
  void cancellingTheCallCancelsTheCallBelowAndEndsTheSpan() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    CompletableFuture<Map<String, String>> answer = client.batchGet(Set.of("a", "b"));
    answer.cancel(true);
    assertTrue(inner.lastCall().future().isCancelled());
    SpanData call = only(SpanKind.CLIENT);
    assertEquals(Boolean.TRUE, call.getAttributes().get(RpcConventions.VENICE_CANCELLED));
    assertEquals(2L, call.getAttributes().get(RpcConventions.VENICE_KEY_COUNT));
    assertEquals("venice.read.v1.VeniceRead/BatchGet", call.getName());
  }

  @Test
  void aFailureEndsTheSpanAsAnErrorAndReachesTheCallerUnchanged() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    CompletableFuture<String> answer = client.get("k");
    RequestTimeoutException timeout = new RequestTimeoutException(STORE, Duration.ofMillis(5));
    grpcThreads.submit(() -> inner.lastCall().fail(timeout));
    CompletionException e = assertThrows(CompletionException.class, answer::join);
    assertSame(timeout, e.getCause());
    SpanData call = only(SpanKind.CLIENT);
    assertEquals(StatusCode.ERROR, call.getStatus().getStatusCode());
    assertEquals(4L, call.getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
    assertEquals(RequestTimeoutException.class.getName(),
        call.getAttributes().get(RpcConventions.ERROR_TYPE));
  }

  @Test
  void theSpanEndsBeforeTheCallersOwnCallbacksRun() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    AtomicReference<Instant> callbackRan = new AtomicReference<>();
    CompletableFuture<String> answer = client.get("k");
    CompletableFuture<String> after = answer.thenApply(v -> {
      callbackRan.set(Instant.now());
      return v;
    });
    grpcThreads.submit(() -> inner.lastCall().answer("v"));
    after.get(10, TimeUnit.SECONDS);
    SpanData call = only(SpanKind.CLIENT);
    Instant callbackAt = callbackRan.get();
    assertTrue(call.getEndEpochNanos() <= callbackAt.getEpochSecond() * 1_000_000_000L
        + callbackAt.getNano() + 1_000_000, "the span does not time the caller's callbacks");
  }

  @Test
  void aStreamingSpanCountsTheDeliveredKeysAndMarksTheFirstValue() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE,
        Map.of("a", "1", "b", "2"));
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    Map<String, String> got = new HashMap<>();
    CompletableFuture<Void> done = client.streamingBatchGet(Set.of("a", "b", "c"),
        (k, v) -> got.put(k, v));
    grpcThreads.submit(() -> inner.lastCall().answer());
    done.get(10, TimeUnit.SECONDS);
    assertEquals("1", got.get("a"));
    SpanData call = only(SpanKind.CLIENT);
    assertEquals(3L, call.getAttributes().get(RpcConventions.VENICE_KEYS_DELIVERED));
    assertEquals("first value", call.getEvents().get(0).getName());
    assertEquals("STREAMING_BATCH_GET",
        call.getAttributes().get(RpcConventions.VENICE_REQUEST_KIND));
  }

  // ---- sampling ------------------------------------------------------------------------------

  @Test
  void anUnsampledCallStillCarriesTheDecisionAndCostsNoExtraFuture() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.pending(STORE);
    StoreClient<String, String> client = start(ProcessKind.CLIENT,
        Map.of("sampling-ratio", "0.0")).storeDecorators().get(0).decorate(inner);
    CompletableFuture<String> answer = client.get("k");
    assertSame(inner.lastCall().future(), answer, "the call's own future");
    assertFalse(sampled(inner.lastCall().context()), "not sampled, said downstream");
    inner.lastCall().answer("v");
    assertTrue(spans().isEmpty());
  }

  @Test
  void aStoresOwnRatioDecidesItsRootCalls() throws Exception {
    TracingPlugin plugin = new TracingPlugin(c -> exported);
    try (TestingPluginContext context = TestingPluginContext.builder(plugin)
        .processKind(ProcessKind.CLIENT).config("sampling-ratio", "0.0").build()) {
      TestingExtensions extensions = context.start();
      plugins.add(plugin);
      context.putStoreSettings("traced", Map.of("sampling-ratio", "1.0"));
      extensions.storeDecorators().get(0).decorate(RecordingStoreClient.answeringAtOnce(
          "traced", Map.of())).get("k").join();
      extensions.storeDecorators().get(0).decorate(RecordingStoreClient.answeringAtOnce(
          STORE, Map.of())).get("k").join();
      assertEquals(List.of("traced"), spans().stream()
          .map(s -> s.getAttributes().get(RpcConventions.VENICE_STORE)).toList());
    }
  }

  @Test
  void traceIdsTellsACallerWithoutOpenTelemetryItsTrace() throws Exception {
    RecordingStoreClient<String, String> inner = RecordingStoreClient.answeringAtOnce(STORE,
        Map.of());
    StoreClient<String, String> client = client().storeDecorators().get(0).decorate(inner);
    List<String> ids = new ArrayList<>();
    TraceIds.capture(ids::add, () -> client.get("k")).join();
    assertEquals(List.of(traceId(inner.lastCall().context())), ids);
    client.get("k").join();
    assertEquals(1, ids.size(), "only calls inside capture");
    assertEquals(Context.root(), Context.current(), "capture restores the caller's context");
  }

  @Test
  void cancelledFuturesAreReportedAsCancelled() {
    assertEquals(1, RpcConventions.statusCode(new CancellationException()));
    assertEquals(14, RpcConventions.statusCode(new CompletionException(
        new ServiceUnavailableException(STORE, "x", null))));
  }
}
