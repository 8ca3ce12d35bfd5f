package dev.venice.plugins.tracing;

import io.opentelemetry.api.trace.Span;
import java.util.concurrent.CompletableFuture;

/**
 * Ends a client-side span when the call's future completes, on whatever thread completes it (a
 * gRPC thread, a decorator's timer): the span travels with the future, not in a thread-local, so
 * no executor hop can lose it.
 */
final class SpanFutures {
  private SpanFutures() {}

  /**
   * A future completed like {@code call} right after {@code span} ends (so the span does not
   * include what the caller's own callbacks do), whose cancellation cancels {@code call}, as the
   * runtime's futures do. An unsampled span records nothing, so {@code call} itself is returned:
   * an unsampled call pays no extra future.
   *
   * @param beforeEnd runs just before the span ends (e.g. to set a count); may be {@code null}
   */
  static <T> CompletableFuture<T> endWhenDone(Span span, CompletableFuture<T> call,
      Runnable beforeEnd) {
    if (!span.isRecording()) {
      return call;
    }
    CompletableFuture<T> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        call.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    call.whenComplete((value, error) -> {
      try {
        if (beforeEnd != null) {
          beforeEnd.run();
        }
        RpcConventions.endClient(span, error);
      } finally {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
      }
    });
    return result;
  }

  /** Ends {@code span} with {@code failure} (a call that threw instead of failing its future). */
  static <T> CompletableFuture<T> failed(Span span, RuntimeException failure) {
    RpcConventions.endClient(span, failure);
    return CompletableFuture.failedFuture(failure);
  }
}
