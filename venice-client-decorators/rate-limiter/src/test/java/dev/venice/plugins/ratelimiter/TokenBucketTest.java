package dev.venice.plugins.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.plugin.TimeSource;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket's arithmetic on a manual clock: burst, refill, caps, costs, clock edges. */
class TokenBucketTest {
  private final ManualTimeSource time = new ManualTimeSource();

  private TokenBucket bucket(double rate, int burst) {
    return new TokenBucket(new RateLimiterConfig(rate, burst), time);
  }

  /** Takes single tokens until refused; returns how many were taken. */
  private static int drain(TokenBucket bucket) {
    int taken = 0;
    while (bucket.tryAcquire(1)) {
      taken++;
    }
    return taken;
  }

  @Test
  void aNewBucketHoldsExactlyTheBurst() {
    TokenBucket bucket = bucket(10, 5);
    assertEquals(5.0, bucket.availableTokens());
    assertEquals(5, drain(bucket));
    assertEquals(0.0, bucket.availableTokens());
    assertFalse(bucket.tryAcquire(1), "still refused with no time passing");
  }

  @Test
  void tokensComeBackAtTheRateOneIntervalAtATime() {
    TokenBucket bucket = bucket(10, 5); // one token per 100 ms
    drain(bucket);
    time.advance(Duration.ofMillis(99));
    assertFalse(bucket.tryAcquire(1), "99 ms is not yet a token");
    time.advance(Duration.ofMillis(1));
    assertTrue(bucket.tryAcquire(1), "100 ms is one token");
    assertFalse(bucket.tryAcquire(1), "and only one");
    time.advance(Duration.ofMillis(300));
    assertEquals(3, drain(bucket), "300 ms are three");
  }

  @Test
  void aPartialRefillIsCountedAndKeptForLater() {
    TokenBucket bucket = bucket(10, 5);
    drain(bucket);
    time.advance(Duration.ofMillis(50));
    assertEquals(0.5, bucket.availableTokens(), 1e-9);
    assertFalse(bucket.tryAcquire(1), "half a token does not pay for a key");
    assertEquals(0.5, bucket.availableTokens(), 1e-9, "a refusal takes nothing");
    time.advance(Duration.ofMillis(50));
    assertTrue(bucket.tryAcquire(1), "the two halves make one token");
  }

  @Test
  void anIdleBucketFillsUpToTheBurstAndNoMore() {
    TokenBucket bucket = bucket(10, 5);
    drain(bucket);
    time.advance(Duration.ofHours(1)); // 36,000 tokens' worth
    assertEquals(5.0, bucket.availableTokens());
    assertEquals(5, drain(bucket));
  }

  @Test
  void aBatchCostsOneTokenPerKeyAndAllOrNothing() {
    TokenBucket bucket = bucket(10, 10);
    assertTrue(bucket.tryAcquire(7));
    assertEquals(3.0, bucket.availableTokens());
    assertFalse(bucket.tryAcquire(4), "4 keys with 3 tokens left");
    assertEquals(3.0, bucket.availableTokens(), "a refused batch takes none of them");
    assertTrue(bucket.tryAcquire(3));
    assertEquals(0.0, bucket.availableTokens());
  }

  @Test
  void aBatchLargerThanTheBurstNeverPassesEvenWhenFull() {
    TokenBucket bucket = bucket(1000, 10);
    assertFalse(bucket.tryAcquire(11));
    assertFalse(bucket.tryAcquire(Long.MAX_VALUE), "no overflow of tokens times the interval");
    time.advance(Duration.ofDays(1));
    assertFalse(bucket.tryAcquire(11));
    assertEquals(10.0, bucket.availableTokens(), "refusals took nothing");
    assertTrue(bucket.tryAcquire(10), "exactly the burst does pass");
  }

  @Test
  void zeroTokensAlwaysPassAndNegativeOnesAreABug() {
    TokenBucket bucket = bucket(10, 1);
    drain(bucket);
    assertTrue(bucket.tryAcquire(0), "an empty batch costs nothing");
    assertThrows(IllegalArgumentException.class, () -> bucket.tryAcquire(-1));
  }

  @Test
  void aClockJumpOfYearsGivesAFullBucketNotAnOverflow() {
    TokenBucket bucket = bucket(RateLimiterConfig.MIN_RATE, RateLimiterConfig.MAX_BURST);
    assertTrue(bucket.tryAcquire(RateLimiterConfig.MAX_BURST), "the largest debt: 3 years");
    time.advance(Duration.ofDays(365 * 10));
    assertEquals(RateLimiterConfig.MAX_BURST, bucket.availableTokens());
    assertTrue(bucket.tryAcquire(RateLimiterConfig.MAX_BURST));
    assertFalse(bucket.tryAcquire(1));
  }

  @Test
  void theClocksOriginDoesNotMatterEvenAcrossTheWrapOfLongTicks() {
    SettableClock clock = new SettableClock(Long.MAX_VALUE - 1_000_000_000L); // 1 s before
    TokenBucket bucket = new TokenBucket(new RateLimiterConfig(2, 4), clock);
    assertEquals(4, drain(bucket));
    clock.nanos += 2_000_000_000L; // nanoTime itself wraps past Long.MAX_VALUE
    assertEquals(4.0, bucket.availableTokens(), 1e-9);
    assertEquals(4, drain(bucket));
    clock.nanos += 500_000_000L;
    assertEquals(1, drain(bucket), "half a second later, one token at 2 per second");
  }

  @Test
  void theRateIsKeptWithinOneIn3200EvenWhereTheIntervalRoundsWorst() {
    // 16e9 / 9,996,876 = 1600.5 ticks per token, the worst rounding near the highest rate
    for (double rate : new double[] {9_996_876, RateLimiterConfig.MAX_RATE, 3_333_333, 7, 0.03}) {
      TokenBucket bucket = bucket(rate, RateLimiterConfig.MAX_BURST);
      bucket.tryAcquire(RateLimiterConfig.MAX_BURST);
      double expected = RateLimiterConfig.MAX_BURST / 2.0;
      time.advance(Duration.ofNanos(Math.round(expected / rate * 1e9)));
      double refilled = bucket.availableTokens();
      // 1/3200 from the interval's rounding, 1e-7 for this test's nanosecond rounding
      assertTrue(Math.abs(refilled - expected) / expected <= 1.0 / 3200 + 1e-7, "rate " + rate
          + ": " + refilled + " tokens refilled, expected " + expected);
    }
  }

  @Test
  void manyThreadsAtOnceNeverTakeMoreThanTheBucketHolds() throws Exception {
    TokenBucket bucket = bucket(RateLimiterConfig.MIN_RATE, 1000); // no refill during the test
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> taken = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        taken.add(pool.submit(() -> {
          start.await();
          int mine = 0;
          for (int i = 0; i < 5_000; i++) {
            mine += bucket.tryAcquire(1 + i % 3) ? 1 + i % 3 : 0;
          }
          return mine;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : taken) {
        total += f.get(10, TimeUnit.SECONDS);
      }
      // 1, 2 and 3 tokens at a time: never more than 1000, and none lost in a race
      assertTrue(total <= 1000 && total >= 998, "tokens taken by 8 threads: " + total);
      assertEquals(1000 - total, bucket.availableTokens(), 1e-9, "taken + left = the burst");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNewLimitCarriesTheTokensCappedAtTheNewBurst() {
    TokenBucket bucket = bucket(10, 10);
    bucket.tryAcquire(4); // 6 left
    TokenBucket smaller = bucket.withLimit(new RateLimiterConfig(10, 3));
    assertEquals(3.0, smaller.availableTokens(), "a lowered burst drops the excess");
    TokenBucket larger = bucket.withLimit(new RateLimiterConfig(10, 100));
    assertEquals(6.0, larger.availableTokens(), 1e-9, "a raised burst does not refill");
    TokenBucket faster = bucket.withLimit(new RateLimiterConfig(1000, 10));
    assertEquals(6.0, faster.availableTokens(), 1e-9);
    time.advance(Duration.ofMillis(2));
    assertEquals(8.0, faster.availableTokens(), 1e-9, "and refills at the new rate");
    TokenBucket same = bucket.withLimit(new RateLimiterConfig(10, 10));
    assertEquals(bucket.availableTokens(), same.availableTokens(), "the same limit, same state");
  }

  /** A clock a test sets directly, to start it anywhere (one thread). */
  private static final class SettableClock implements TimeSource {
    long nanos;

    SettableClock(long nanos) {
      this.nanos = nanos;
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant now() {
      return Instant.EPOCH;
    }
  }
}
