package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a call is allowed, and cancellation reaching the calls a caller waits for. */
class GrpcCallsTest {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aCallIsAllowedTheSoonerOfTheClientTimeoutAndTheContextDeadline() {
    assertEquals(CLIENT_TIMEOUT, GrpcCalls.allowed(RequestContext.of("s"), CLIENT_TIMEOUT));
    Duration soon = GrpcCalls.allowed(RequestContext.of("s")
        .withDeadline(Instant.now().plusMillis(500)), CLIENT_TIMEOUT);
    assertTrue(soon.compareTo(Duration.ofMillis(500)) <= 0
        && soon.compareTo(Duration.ZERO) > 0, "the deadline's 500 ms: " + soon);
    assertEquals(CLIENT_TIMEOUT, GrpcCalls.allowed(RequestContext.of("s")
        .withDeadline(Instant.now().plusSeconds(60)), CLIENT_TIMEOUT), "a later deadline");
    assertEquals(Duration.ZERO, GrpcCalls.allowed(RequestContext.of("s")
        .withDeadline(Instant.now().minusMillis(1)), CLIENT_TIMEOUT), "a deadline passed");
  }

  @Test
  void cancellingADependentFutureCancelsItsSources() {
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletableFuture<Void> both = GrpcCalls.cancelling(
        CompletableFuture.allOf(first, second), first, second);
    both.cancel(true);
    assertTrue(first.isCancelled() && second.isCancelled());

    CompletableFuture<String> answered = new CompletableFuture<>();
    GrpcCalls.cancelling(answered.thenApply(String::length), answered);
    answered.complete("done");
    assertEquals("done", answered.join(), "a dependent completing normally cancels nothing");
  }
}
