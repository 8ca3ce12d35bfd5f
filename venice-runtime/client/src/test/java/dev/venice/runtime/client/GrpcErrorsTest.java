package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ServiceUnavailableException;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures the fast client fails over on, and which candidates it retries with. */
class GrpcErrorsTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);
  private static final Replica C = new Replica("c_1", "c", 1);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @Test
  void anUnreachableReplicaIsNamedAndDroppedEvenWhenItWasNotTheFirstCandidate() {
    Throwable failure = new CompletionException(GrpcErrors.mapAttempt("s", B,
        Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException(), TIMEOUT));
    ServiceUnavailableException mapped =
        assertInstanceOf(ServiceUnavailableException.class, failure.getCause());
    assertEquals("store s: replica b_1: connection refused", mapped.getMessage());
    assertTrue(GrpcErrors.isUnavailable(failure));
    assertTrue(GrpcErrors.isUnreachableReplica(failure), "routing is refreshed after it");
    // a decorator had moved B first and then let the client's list [A, B, C] be retried
    assertEquals(List.of(A, C), GrpcErrors.remainingCandidates(failure, List.of(A, B, C)));
  }

  @Test
  void aFailureNamingNoReplicaDropsTheFirstCandidate() {
    Throwable failure = new ServiceUnavailableException("s", "overloaded", null);
    assertFalse(GrpcErrors.isUnreachableReplica(failure), "a decorator's refusal");
    assertEquals(List.of(B, C), GrpcErrors.remainingCandidates(failure, List.of(A, B, C)));
    Throwable elsewhere = GrpcErrors.mapAttempt("s", C,
        Status.UNAVAILABLE.asRuntimeException(), TIMEOUT);
    assertEquals(List.of(B), GrpcErrors.remainingCandidates(elsewhere, List.of(A, B)),
        "a replica no longer among the candidates");
  }

  @Test
  void aNonRetriableRefusalIsNotFailedOver() {
    ServiceUnavailableException everyBreakerOpen = new ServiceUnavailableException("s",
        "every replica's circuit breaker is open", null) {
      @Override
      public boolean isRetriable() {
        return false;
      }
    };
    assertFalse(GrpcErrors.isUnavailable(new CompletionException(everyBreakerOpen)));
    assertTrue(GrpcErrors.isUnavailable(Status.UNAVAILABLE.asRuntimeException()));
  }
}
