package dev.venice.plugins.ratelimiter;

import dev.venice.spi.plugin.TimeSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket in its "virtual scheduling" form (GCRA, the generic cell rate algorithm of ATM
 * traffic policing, ITU-T I.371): instead of a token count and a last-refill time, which two
 * threads cannot update together without a lock, the whole state is one number, the <em>
 * theoretical arrival time</em> (TAT): the instant at which the bucket will be full again if
 * nobody takes a token. Tokens available at {@code now} are {@code burst - (TAT - now) /
 * interval} (never more than {@code burst}: a TAT in the past means a full bucket). Taking {@code
 * n} tokens moves the TAT to {@code max(TAT, now) + n * interval}, allowed while the new TAT is at
 * most {@code burst * interval} ahead of {@code now}.
 *
 * <p><b>Cost and thread-safety.</b> {@link #tryAcquire} reads the clock once, reads the TAT, and
 * admits with one compare-and-set of one {@link AtomicLong} (retried only when another thread
 * admitted in between: lock-free, and every failed CAS means another caller succeeded); a refusal
 * writes nothing. No lock, no allocation. Every method is safe to call from any thread.
 *
 * <p><b>Clock precision</b> (the seed's "no {@code System.currentTimeMillis()} on every request"):
 * refilling needs no clock of its own and no background refill thread: the refill is the
 * distance between the TAT and the time of the request, so it is exact whatever the gap between
 * requests. The one clock read per call is {@link TimeSource#nanoTime()}, which in production is
 * {@link System#nanoTime()}: the monotonic clock, read (on Linux, through the vDSO) without a
 * system call, a lock or any shared written memory, so it does not slow down when many threads
 * read it (and never jumps with wall-clock adjustments, as {@code currentTimeMillis} may). Time
 * is kept in ticks of 1/16 ns so that a token's interval ({@code 16e9 / rate} ticks, rounded, at
 * least 1,600) keeps the rate within 1/3200 (0.031%) even at {@link RateLimiterConfig#MAX_RATE}.
 * Ticks are compared only by their difference, as {@code nanoTime} values must be, so an
 * arbitrary clock origin and the wrap of {@code nanoTime * 16} past {@code Long.MAX_VALUE} are
 * harmless; the only limit is that two calls must be less than 2<sup>63</sup> ticks (18 years)
 * apart.
 */
final class TokenBucket {
  /** Ticks per nanosecond: the bucket's time unit is 1/16 ns (a multiplication by a power of 2). */
  static final long TICKS_PER_NANO = 16;
  private static final double TICKS_PER_SECOND = TICKS_PER_NANO * 1e9;

  private final RateLimiterConfig limit;
  private final TimeSource time;
  /** Ticks between two tokens: {@code 1 / rate} seconds. */
  private final long intervalTicks;
  /** Ticks to refill an empty bucket: {@code burst * intervalTicks}. */
  private final long burstTicks;
  /** The theoretical arrival time, in ticks of {@link #time}. */
  private final AtomicLong theoreticalArrival;

  /** A full bucket with {@code limit}'s rate and burst, on {@code time}'s monotonic clock. */
  TokenBucket(RateLimiterConfig limit, TimeSource time) {
    this(limit, time, ticks(time));
  }

  private TokenBucket(RateLimiterConfig limit, TimeSource time, long theoreticalArrival) {
    this.limit = limit;
    this.time = time;
    this.intervalTicks = intervalTicks(limit);
    this.burstTicks = limit.burst() * intervalTicks;
    this.theoreticalArrival = new AtomicLong(theoreticalArrival);
  }

  /** The rate and burst this bucket enforces. */
  RateLimiterConfig limit() {
    return limit;
  }

  /**
   * Takes {@code tokens} tokens if the bucket holds that many now, else takes none.
   *
   * @param tokens how many; 0 always succeeds; more than the burst never does
   * @return whether they were taken
   * @throws IllegalArgumentException when {@code tokens} is negative
   */
  boolean tryAcquire(long tokens) {
    if (tokens <= 0 || tokens > limit.burst()) {
      if (tokens < 0) {
        throw new IllegalArgumentException("cannot take " + tokens + " tokens");
      }
      return tokens == 0;
    }
    long cost = tokens * intervalTicks;
    long now = ticks(time);
    while (true) {
      long arrival = theoreticalArrival.get();
      // a TAT in the past is a full bucket: an idle bucket banks no more than its burst
      long next = (arrival - now > 0 ? arrival : now) + cost;
      if (next - now > burstTicks) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(arrival, next)) {
        return true;
      }
    }
  }

  /** The tokens available now, from 0 to the burst (fractional while refilling). */
  double availableTokens() {
    return availableTokens(ticks(time));
  }

  /**
   * A bucket enforcing {@code newLimit} that starts with the tokens this one holds now, capped at
   * the new burst (a raised burst does not refill the bucket; a lowered one drops the excess). The
   * same limit keeps the exact state. Tokens other threads take from this bucket after the call
   * are not carried over: a change may let at most the requests then in flight through twice.
   */
  TokenBucket withLimit(RateLimiterConfig newLimit) {
    if (newLimit.equals(limit)) {
      return new TokenBucket(newLimit, time, theoreticalArrival.get());
    }
    long now = ticks(time);
    double missing = Math.max(0, newLimit.burst() - availableTokens(now));
    return new TokenBucket(newLimit, time,
        now + Math.round(missing * intervalTicks(newLimit)));
  }

  private double availableTokens(long now) {
    long untilFull = theoreticalArrival.get() - now;
    return untilFull <= 0 ? limit.burst()
        : Math.max(0, (burstTicks - untilFull) / (double) intervalTicks);
  }

  private static long intervalTicks(RateLimiterConfig limit) {
    return Math.max(1, Math.round(TICKS_PER_SECOND / limit.rate()));
  }

  private static long ticks(TimeSource time) {
    return time.nanoTime() * TICKS_PER_NANO;
  }
}
