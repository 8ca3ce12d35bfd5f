package dev.venice.spi.client;

/**
 * The default positions of known decorators; lower values are further out (see the call first).
 *
 * <p>Store level, outermost first: tracing, coalescing, rate limit, batch split, timeout (and
 * {@link #CIRCUIT_BREAKER}, reserved for a whole-store breaker, which no plugin has: the
 * circuit-breaker plugin works per replica). Coalescing is outside the rate limit so that callers
 * sharing one request spend one token between them; the rate limit is outside everything that
 * sends, so a refused call costs nothing downstream; the timeout is innermost so it bounds the
 * call that is actually sent.
 *
 * <p>Replica level, outermost first: adaptive selection orders the candidates, the circuit
 * breaker drops the candidates whose breaker is open, hedging (and inside it long-tail retry)
 * sends to the first remaining candidate and later to the next, then {@link #REPLICA_ATTEMPT}
 * decorators see each attempt at exactly one replica (the breaker records outcomes there), and
 * injected faults are innermost so a test's latency looks like the replica's own.
 */
public final class DecoratorOrder {
  /** Store level: tracing sees everything, including what outer limits refuse. */
  public static final int TRACING = 100;
  /** Store level: request coalescing, outside the rate limit. */
  public static final int COALESCING = 200;
  /** Store level: rate limiting, inside coalescing (a shared request costs one token). */
  public static final int RATE_LIMIT = 300;
  /** Store level: circuit breaking for a whole store (reserved: no plugin uses it yet). */
  public static final int CIRCUIT_BREAKER = 400;
  /** Store level: batch-get splitting. */
  public static final int BATCH_SPLIT = 500;
  /** Store level: per-store timeouts, innermost so they bound the actual call. */
  public static final int TIMEOUT = 600;
  /** Store level: where a decorator without an opinion goes. */
  public static final int STORE_DEFAULT = 1000;

  /** Replica level: adaptive replica selection orders the candidates first. */
  public static final int ADAPTIVE_SELECTION = 100;
  /** Replica level: per-replica circuit breaking filters the candidates. */
  public static final int REPLICA_CIRCUIT_BREAKER = 200;
  /** Replica level: hedging sends to the first candidate, then to the next. */
  public static final int HEDGING = 300;
  /**
   * Replica level (since SPI 1.3): long-tail retry, Venice's fixed-threshold form of a hedge, inside
   * hedging; both draw on the store's {@link ExtraLoadBudget}.
   */
  public static final int LONG_TAIL_RETRY = 350;
  /** Replica level: where a decorator without an opinion goes. */
  public static final int REPLICA_DEFAULT = 1000;
  /**
   * Replica level (since SPI 1.2): decorators that observe each attempt at one replica (the first candidate),
   * inside hedging and selection, outside injected faults; e.g. a circuit breaker's accounting.
   */
  public static final int REPLICA_ATTEMPT = 1900;
  /** Replica level: injected latency or faults (tests, benchmarks). */
  public static final int FAULT_INJECTION = 2000;

  private DecoratorOrder() {}
}
