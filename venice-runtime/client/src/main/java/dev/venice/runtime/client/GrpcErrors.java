package dev.venice.runtime.client;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps gRPC failures onto the SPI's exception hierarchy. */
final class GrpcErrors {
  private GrpcErrors() {}

  static VeniceClientException map(String store, Throwable failure, Duration timeout) {
    return mapAttempt(store, null, failure, timeout);
  }

  /**
   * {@link #map} for an attempt at {@code replica} (or {@code null} when no single replica was
   * called): an unreachable replica is named, so failover knows which candidate to drop.
   */
  static VeniceClientException mapAttempt(String store, Replica replica, Throwable failure,
      Duration timeout) {
    Throwable cause = unwrap(failure);
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
      case UNAVAILABLE -> replica == null
          ? new ServiceUnavailableException(store, description, cause)
          : new ReplicaUnavailableException(store, replica, description, cause);
      case DEADLINE_EXCEEDED -> new RequestTimeoutException(store, timeout);
      case RESOURCE_EXHAUSTED -> new QuotaExceededException(store, description);
      default -> new VeniceClientException(store, status.getCode() + ": " + description, cause);
    };
  }

  /** Whether {@code failure} is a replica the transport could not reach. */
  static boolean isUnreachableReplica(Throwable failure) {
    return unwrap(failure) instanceof ReplicaUnavailableException;
  }

  /**
   * The candidates to retry with after {@code failure}: without the replica that was unreachable
   * when the failure names it, else without the first candidate (the one the request went to).
   */
  static List<Replica> remainingCandidates(Throwable failure, List<Replica> candidates) {
    if (unwrap(failure) instanceof ReplicaUnavailableException unreachable
        && candidates.contains(unreachable.replica())) {
      List<Replica> remaining = new ArrayList<>(candidates);
      remaining.remove(unreachable.replica());
      return remaining;
    }
    return candidates.subList(1, candidates.size());
  }

  /**
   * Whether {@code failure} says the replica (or router) could not serve and another may: a
   * retriable {@link ServiceUnavailableException} or gRPC {@code UNAVAILABLE}. A decorator's own
   * non-retriable refusal (every replica's circuit breaker open) is not retried elsewhere.
   */
  static boolean isUnavailable(Throwable failure) {
    Throwable cause = unwrap(failure);
    return (cause instanceof ServiceUnavailableException unavailable && unavailable.isRetriable())
        || (cause instanceof StatusRuntimeException s
            && s.getStatus().getCode() == Status.Code.UNAVAILABLE);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
