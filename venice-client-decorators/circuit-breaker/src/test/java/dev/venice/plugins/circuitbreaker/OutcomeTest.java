package dev.venice.plugins.circuitbreaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What each way an attempt ends says about the instance (the README's "What counts"). */
class OutcomeTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final RequestContext NO_DEADLINE = RequestContext.of("s");

  private static Outcome of(Throwable error) {
    return Outcome.of(error, NO_DEADLINE, NOW);
  }

  @Test
  void anAnswerIsASuccess() {
    assertEquals(Outcome.SUCCESS, of(null));
  }

  @Test
  void theServersFailuresAndTimeoutsAreFailures() {
    assertEquals(Outcome.FAILURE, of(new ServiceUnavailableException("s", "down", null)));
    assertEquals(Outcome.FAILURE, of(new RequestTimeoutException("s", Duration.ofMillis(50))));
    assertEquals(Outcome.FAILURE, of(new VeniceClientException("s", "INTERNAL: boom", null)));
    assertEquals(Outcome.FAILURE, of(new IllegalStateException("a decorator's bug")));
    assertEquals(Outcome.FAILURE, of(new CompletionException(
        new RequestTimeoutException("s", Duration.ofMillis(50)))), "unwrapped");
  }

  @Test
  void quotaAndAGoneVersionAreNotTheServersFault() {
    assertEquals(Outcome.IGNORED, of(new QuotaExceededException("s", "read quota")));
    assertEquals(Outcome.IGNORED, of(new UnknownStoreException("s", "version 3 is gone")));
    assertEquals(Outcome.IGNORED, of(new CompletionException(
        new QuotaExceededException("s", "read quota"))), "unwrapped");
  }

  @Test
  void aCancelWithoutADeadlineOrBeforeItIsNothing() {
    assertEquals(Outcome.IGNORED, of(new CancellationException()), "a losing hedge");
    RequestContext later = NO_DEADLINE.withDeadline(NOW.plusMillis(100));
    assertEquals(Outcome.IGNORED, Outcome.of(new CancellationException(), later, NOW),
        "a caller's cancel well before the deadline");
  }

  @Test
  void aCancelAtTheDeadlineIsATimeout() {
    RequestContext passed = NO_DEADLINE.withDeadline(NOW.minusMillis(1));
    assertEquals(Outcome.FAILURE, Outcome.of(new CancellationException(), passed, NOW));
    RequestContext justNow = NO_DEADLINE.withDeadline(NOW.plus(Outcome.DEADLINE_SLACK));
    assertEquals(Outcome.FAILURE, Outcome.of(new CancellationException(), justNow, NOW),
        "a timer a little ahead of the wall clock");
    assertEquals(Outcome.FAILURE, Outcome.of(new CompletionException(
        new VeniceClientException("s", "request cancelled", new CancellationException())),
        passed, NOW), "the client's mapping of a cancel");
    assertEquals(Outcome.IGNORED, Outcome.of(new VeniceClientException("s", "request cancelled",
        new CancellationException()), NO_DEADLINE, NOW));
  }
}
