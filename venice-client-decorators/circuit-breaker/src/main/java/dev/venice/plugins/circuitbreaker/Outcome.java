package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What one attempt at a server instance says about that instance, for its breaker. The rules (the
 * README's "What counts"):
 *
 * <ul>
 *   <li>an answer, including one without a value (a missing key), is a {@link #SUCCESS};
 *   <li>{@link QuotaExceededException} (429: the store's quota, not the server's health) and {@link
 *       UnknownStoreException} (the version is gone: the client refreshes and retries) are {@link
 *       #IGNORED};
 *   <li>a cancelled attempt is a {@link #FAILURE} (a timeout) when the request's deadline had
 *       passed (within {@link #DEADLINE_SLACK}): a store-level timeout gave up on it; otherwise (a
 *       losing hedge, a caller's cancel) it is {@link #IGNORED};
 *   <li>everything else ({@code RequestTimeoutException}, {@code ServiceUnavailableException}, any
 *       other {@link VeniceClientException} or exception) is a {@link #FAILURE}.
 * </ul>
 */
enum Outcome {
  /** The instance answered. */
  SUCCESS,
  /** The instance failed or timed out. */
  FAILURE,
  /** Nothing is learnt about the instance; a half-open probe permit is given back. */
  IGNORED;

  /**
   * How early a cancel may come and still be the deadline's: a timeout's timer (monotonic clock)
   * and the deadline (wall clock) are not read at the same instant.
   */
  static final Duration DEADLINE_SLACK = Duration.ofMillis(5);

  /**
   * Classifies an attempt's completion.
   *
   * @param error the attempt's failure, {@code null} for an answer
   * @param context the request's context (its deadline)
   * @param now the wall-clock time the attempt completed
   */
  static Outcome of(Throwable error, RequestContext context, Instant now) {
    if (error == null) {
      return SUCCESS;
    }
    Throwable cause = unwrap(error);
    if (cause instanceof QuotaExceededException || cause instanceof UnknownStoreException) {
      return IGNORED;
    }
    if (isCancellation(cause)) {
      Optional<Instant> deadline = context.deadline();
      return deadline.isPresent() && !now.plus(DEADLINE_SLACK).isBefore(deadline.get())
          ? FAILURE : IGNORED;
    }
    return FAILURE;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A cancel, as such or as the client's mapping of it ({@code "request cancelled"}). */
  private static boolean isCancellation(Throwable cause) {
    return cause instanceof CancellationException || (cause instanceof VeniceClientException
        && cause.getCause() instanceof CancellationException);
  }
}
