package dev.venice.plugins.tracing;

import static dev.venice.plugins.tracing.RpcConventions.GRPC;
import static dev.venice.plugins.tracing.RpcConventions.READ_SERVICE;
import static dev.venice.plugins.tracing.RpcConventions.RPC_METHOD;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SERVICE;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SYSTEM;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_KEYS_DELIVERED;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_KEY_COUNT;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_REQUEST_KIND;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One store client's calls as spans. Each call's span is a child of the caller's trace: the
 * {@code traceparent} the caller put in the {@link RequestContext}, else OpenTelemetry's {@code
 * Context.current()} on the calling thread, else a new trace (sampled at the store's ratio). The
 * span's own {@code traceparent}/{@code tracestate} replace the caller's in the context passed on,
 * so every hop below (replica attempts, the router, the servers) joins it explicitly, whichever
 * thread later sends or completes the call. The span ends when the call's future completes.
 *
 * <p>Span kind: CLIENT on a thin client (the call is one RPC to a router), INTERNAL on a fast
 * client (the logical call; each replica attempt is a CLIENT span of its own). Thread-safe.
 */
final class TracedStoreClient<K, V> extends ForwardingStoreClient<K, V> {
  private final TracingSdk sdk;
  private final Set<String> replicaTracedStores;
  private final String store;
  /** Set once the store's replica attempts are known to be traced; benign race (a set lookup). */
  private boolean fast;

  TracedStoreClient(StoreClient<K, V> delegate, TracingSdk sdk, Set<String> replicaTracedStores) {
    super(delegate);
    this.sdk = sdk;
    this.replicaTracedStores = replicaTracedStores;
    this.store = delegate.storeName();
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    Context parent = TraceHeaders.extract(Context.current(), context.headers());
    Span span = start(parent, RequestKind.SINGLE_GET, 1);
    Context traced = parent.with(span);
    CompletableFuture<V> call;
    try (Scope ignored = traced.makeCurrent()) {
      call = delegate.get(key, TraceHeaders.inject(traced, context));
    } catch (RuntimeException e) {
      return SpanFutures.failed(span, e);
    }
    return SpanFutures.endWhenDone(span, call, null);
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    Context parent = TraceHeaders.extract(Context.current(), context.headers());
    Span span = start(parent, RequestKind.BATCH_GET, keys.size());
    Context traced = parent.with(span);
    CompletableFuture<Map<K, V>> call;
    try (Scope ignored = traced.makeCurrent()) {
      call = delegate.batchGet(keys, TraceHeaders.inject(traced, context));
    } catch (RuntimeException e) {
      return SpanFutures.failed(span, e);
    }
    return SpanFutures.endWhenDone(span, call, null);
  }

  /**
   * A streaming batch get's span also records when the first value arrived (event {@code first
   * value}) and how many keys were delivered ({@code venice.keys_delivered}), when sampled.
   */
  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    Context parent = TraceHeaders.extract(Context.current(), context.headers());
    Span span = start(parent, RequestKind.STREAMING_BATCH_GET, keys.size());
    Context traced = parent.with(span);
    AtomicLong delivered = new AtomicLong();
    StreamingCallback<K, V> counted = !span.isRecording() ? callback : (key, value) -> {
      if (delivered.getAndIncrement() == 0) {
        span.addEvent("first value");
      }
      callback.onRecord(key, value);
    };
    CompletableFuture<Void> call;
    try (Scope ignored = traced.makeCurrent()) {
      call = delegate.streamingBatchGet(keys, TraceHeaders.inject(traced, context), counted);
    } catch (RuntimeException e) {
      return SpanFutures.failed(span, e);
    }
    return SpanFutures.endWhenDone(span, call,
        () -> span.setAttribute(VENICE_KEYS_DELIVERED, delivered.get()));
  }

  private Span start(Context parent, RequestKind kind, int keys) {
    if (!fast) {
      fast = replicaTracedStores.contains(store);
    }
    String method = RpcConventions.method(kind);
    Span span = sdk.start((fast
        ? sdk.spanBuilder("VeniceClient/" + method).setSpanKind(SpanKind.INTERNAL)
        : sdk.spanBuilder(READ_SERVICE + "/" + method).setSpanKind(SpanKind.CLIENT))
        .setParent(parent), parent, store);
    if (span.isRecording()) { // an unsampled call pays for no attribute
      if (!fast) {
        span.setAttribute(RPC_SYSTEM, GRPC).setAttribute(RPC_SERVICE, READ_SERVICE)
            .setAttribute(RPC_METHOD, method);
      }
      span.setAttribute(VENICE_KEY_COUNT, (long) keys)
          .setAttribute(VENICE_REQUEST_KIND, kind.name());
    }
    Consumer<String> sink = parent.get(TraceIds.SINK);
    if (sink != null) {
      sink.accept(span.getSpanContext().getTraceId());
    }
    return span;
  }
}
