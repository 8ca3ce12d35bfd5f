package dev.venice.runtime.client;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps gRPC failures onto the SPI's exception hierarchy. */
final class GrpcErrors {
  private GrpcErrors() {}

  static VeniceClientException map(String store, Throwable failure, Duration timeout) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof VeniceClientException venice) {
      return venice;
    }
    if (cause instanceof CancellationException) {
      return new VeniceClientException(store, "request cancelled", cause);
    }
    Status status = Status.fromThrowable(cause);
    String description = status.getDescription() != null ? status.getDescription()
        : String.valueOf(cause);
    return switch (status.getCode()) {
      case NOT_FOUND -> new UnknownStoreException(store, description);
      case UNAVAILABLE -> new ServiceUnavailableException(store, description, cause);
      case DEADLINE_EXCEEDED -> new RequestTimeoutException(store, timeout);
      case RESOURCE_EXHAUSTED -> new QuotaExceededException(store, description);
      default -> new VeniceClientException(store, status.getCode() + ": " + description, cause);
    };
  }

  /**
   * Whether {@code failure} says the replica (or router) could not serve and another may: a
   * retriable {@link ServiceUnavailableException} or gRPC {@code UNAVAILABLE}. A decorator's own
   * non-retriable refusal (every replica's circuit breaker open) is not retried elsewhere.
   */
  static boolean isUnavailable(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return (cause instanceof ServiceUnavailableException unavailable && unavailable.isRetriable())
        || (cause instanceof StatusRuntimeException s
            && s.getStatus().getCode() == Status.Code.UNAVAILABLE);
  }
}
