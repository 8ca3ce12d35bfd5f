package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What one attempt at an instance tells its {@link ReplicaStats} (the README's "What is
 * recorded").
 */
enum AttemptOutcome {
  /** The instance answered (a missing key too): a latency sample. */
  ANSWERED,
  /**
   * The attempt failed ({@code ServiceUnavailableException}, {@code RequestTimeoutException} or any
   * other error): an error sample, and its duration raises the latency estimate as a peak.
   */
  FAILED,
  /**
   * The attempt was cancelled (a losing hedge, a caller's or a timeout's cancel): not a sample
   * (neither the sample count nor the error rate moves), but the instance took at least this long,
   * so the duration raises the latency estimate as a lower bound; otherwise a replica whose every
   * attempt loses to a hedge would never look slow.
   */
  CANCELLED,
  /**
   * Nothing is learnt about the instance: {@link QuotaExceededException} (the store's quota) and
   * {@link UnknownStoreException} (the version is gone; the client refreshes).
   */
  IGNORED;

  /** Classifies an attempt's completion; {@code error} is {@code null} for an answer. */
  static AttemptOutcome of(Throwable error) {
    if (error == null) {
      return ANSWERED;
    }
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof QuotaExceededException || cause instanceof UnknownStoreException) {
      return IGNORED;
    }
    boolean cancelled = cause instanceof CancellationException
        || (cause instanceof VeniceClientException
            && cause.getCause() instanceof CancellationException);
    return cancelled ? CANCELLED : FAILED;
  }
}
