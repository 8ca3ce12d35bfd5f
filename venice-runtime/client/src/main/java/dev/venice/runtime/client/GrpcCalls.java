package dev.venice.runtime.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.venice.runtime.protocol.RequestHeaders;
import dev.venice.spi.client.RequestContext;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Small bridges between gRPC stubs and the SPI's futures and request context. */
final class GrpcCalls {
  private GrpcCalls() {}

  /**
   * A future that completes with the call's result, and whose cancellation cancels the gRPC call
   * (so an abandoned attempt frees the server at once).
   */
  static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> call) {
    CompletableFuture<T> future = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        call.cancel(true);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    Futures.addCallback(call, new FutureCallback<T>() {
      @Override
      public void onSuccess(T result) {
        future.complete(result);
      }

      @Override
      public void onFailure(Throwable t) {
        future.completeExceptionally(t);
      }
    }, MoreExecutors.directExecutor());
    return future;
  }

  /**
   * Returns {@code dependent}, made to cancel {@code sources} when it is cancelled: a caller (or a
   * timeout decorator) that gives up on a future built with {@code thenApply}/{@code allOf} then
   * also cancels the calls it was waiting for, as a plain dependent future would not.
   */
  static <T> CompletableFuture<T> cancelling(CompletableFuture<T> dependent,
      CompletableFuture<?>... sources) {
    dependent.whenComplete((value, error) -> {
      if (dependent.isCancelled()) {
        for (CompletableFuture<?> source : sources) {
          source.cancel(true);
        }
      }
    });
    return dependent;
  }

  /**
   * {@code call} mapped through {@code fn}, its failures through {@code onError}; cancelling the
   * result cancels {@code call} (a plain {@code thenApply} would leave the gRPC call running).
   */
  static <T, R> CompletableFuture<R> map(CompletableFuture<T> call, Function<T, R> fn,
      Function<Throwable, ? extends Throwable> onError) {
    CompletableFuture<R> mapped = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        call.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    call.whenComplete((value, error) -> {
      if (error != null) {
        mapped.completeExceptionally(onError.apply(error));
      } else {
        try {
          mapped.complete(fn.apply(value));
        } catch (RuntimeException e) {
          mapped.completeExceptionally(e);
        }
      }
    });
    return mapped;
  }

  /**
   * The time a call sent now may take: the client's {@code timeout}, or less when the context's
   * deadline is sooner (zero when it has passed). Failures name this duration, so a timeout says
   * what the call was actually allowed.
   */
  static Duration allowed(RequestContext context, Duration timeout) {
    return context.remaining(Instant.now())
        .map(left -> left.isNegative() ? Duration.ZERO : left)
        .filter(left -> left.compareTo(timeout) < 0).orElse(timeout);
  }

  /** The stub with the context's headers and a deadline {@code allowed} from now. */
  static <S extends AbstractStub<S>> S withContext(S stub, RequestContext context,
      Duration allowed) {
    S result = stub.withDeadlineAfter(allowed.toNanos(), TimeUnit.NANOSECONDS);
    return context.headers().isEmpty() ? result : result.withInterceptors(
        MetadataUtils.newAttachHeadersInterceptor(RequestHeaders.toMetadata(context.headers())));
  }
}
