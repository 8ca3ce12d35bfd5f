package dev.venice.spi.client;

/**
 * The default positions of known decorators; lower values are further out (see the first call
 * first). Store level: tracing, rate limit, circuit breaker, coalescing, batch split, timeout.
 * Replica level: adaptive selection, circuit breaker, hedging, then injected faults innermost so a
 * test's latency looks like the replica's own.
 */
public final class DecoratorOrder {
  /** Store level: tracing sees everything, including what outer limits refuse. */
  public static final int TRACING = 100;
  /** Store level: rate limiting. */
  public static final int RATE_LIMIT = 200;
  /** Store level: circuit breaking for the whole store. */
  public static final int CIRCUIT_BREAKER = 300;
  /** Store level: request coalescing. */
  public static final int COALESCING = 400;
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
  /** Replica level: where a decorator without an opinion goes. */
  public static final int REPLICA_DEFAULT = 1000;
  /** Replica level: injected latency or faults (tests, benchmarks). */
  public static final int FAULT_INJECTION = 2000;

  private DecoratorOrder() {}
}
