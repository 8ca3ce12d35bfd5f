package dev.venice.plugins.tracing;

import static dev.venice.plugins.tracing.RpcConventions.GRPC;
import static dev.venice.plugins.tracing.RpcConventions.READ_SERVICE;
import static dev.venice.plugins.tracing.RpcConventions.RPC_METHOD;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SERVICE;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SYSTEM;
import static dev.venice.plugins.tracing.RpcConventions.SERVER_ADDRESS;
import static dev.venice.plugins.tracing.RpcConventions.SERVER_PORT;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_KEY_COUNT;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_PARTITION;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_REQUEST_KIND;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_VERSION;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;

/**
 * One CLIENT span per attempt at a replica: its parent is the span named by the request context's
 * {@code traceparent} (the store-level call's; else {@code Context.current()}), its attributes the
 * replica ({@code server.address}, {@code server.port}), the store, version, partition and key
 * count; its own {@code traceparent} goes in this attempt's context only ({@link
 * ReplicaRequest#withContext}), so the server's span is its child and a hedge's server span the
 * hedge's. Cancelling the returned future cancels the attempt. Thread-safe.
 */
final class TracedReplicaDispatcher implements ReplicaDispatcher {
  private final ReplicaDispatcher next;
  private final TracingSdk sdk;

  TracedReplicaDispatcher(ReplicaDispatcher next, TracingSdk sdk) {
    this.next = next;
    this.sdk = sdk;
  }

  @Override
  public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
    Context parent = TraceHeaders.extract(Context.current(), request.context().headers());
    String method = RpcConventions.method(request.kind());
    Span span = sdk.start(sdk.spanBuilder(READ_SERVICE + "/" + method).setParent(parent)
        .setSpanKind(SpanKind.CLIENT), parent, request.store());
    if (span.isRecording()) { // an unsampled attempt pays for no attribute
      span.setAttribute(RPC_SYSTEM, GRPC).setAttribute(RPC_SERVICE, READ_SERVICE)
          .setAttribute(RPC_METHOD, method)
          .setAttribute(VENICE_VERSION, (long) request.version())
          .setAttribute(VENICE_PARTITION, (long) request.partition())
          .setAttribute(VENICE_KEY_COUNT, (long) request.keys().size())
          .setAttribute(VENICE_REQUEST_KIND, request.kind().name());
      if (!request.candidates().isEmpty()) {
        Replica replica = request.candidates().get(0);
        span.setAttribute(SERVER_ADDRESS, replica.host())
            .setAttribute(SERVER_PORT, (long) replica.port());
      }
    }
    CompletableFuture<ReplicaResponse> attempt;
    try {
      attempt = next.dispatch(request.withContext(
          TraceHeaders.inject(parent.with(span), request.context())));
    } catch (RuntimeException e) { // dispatchers never throw; a broken one still ends the span
      return SpanFutures.failed(span, e);
    }
    return SpanFutures.endWhenDone(span, attempt, null);
  }
}
