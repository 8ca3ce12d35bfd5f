package dev.venice.plugins.ratelimiter;

import dev.venice.spi.client.QuotaExceededException;

/**
 * The client-side rate limit refused a request: a {@link QuotaExceededException} (not retriable)
 * without a stack trace. A refusal is flow control, not a bug: its stack would only show the
 * caller's own call, and filling it in costs microseconds per refused request at exactly the
 * moment a client is over its rate. Callers catch {@code QuotaExceededException}.
 */
final class RateLimitExceededException extends QuotaExceededException {
  private static final long serialVersionUID = 1L;

  RateLimitExceededException(String store, String message) {
    super(store, message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
