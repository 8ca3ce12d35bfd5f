package dev.venice.plugins.adaptiverouting;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server instance's statistics for one store client: a peak-EWMA of attempt latency, a
 * time-decayed error rate and the attempts in flight. The latency estimate is Finagle's peak EWMA
 * ({@code com.twitter.finagle.loadbalancer.PeakEwma}, Finagle's {@code Balancers.p2cPeakEwma}):
 * a sample above the estimate replaces it at once (the peak), a lower one is blended in with the
 * weight {@code 1 - exp(-dt / tau)} ({@code dt} since the last sample), and between samples the
 * estimate decays toward zero with the same weight, so an instance that stopped getting traffic
 * because it was slow is tried again after a while and, if it recovered, wins its traffic back.
 * While the instance is cold (fewer than {@code min-samples} samples) the estimate is its fastest
 * answer instead ({@link #record}).
 *
 * <p>The error rate is the ratio of two exponentially decayed counts (failures and attempts,
 * decayed with the same tau), so it reacts from the first failures instead of per unit of time,
 * and old failures weigh less and less.
 *
 * <p>Thread-safety without a shared lock: the decayed statistics are one immutable {@link
 * Snapshot} behind this instance's own {@link AtomicReference}, replaced by compare-and-set when
 * an attempt completes (a lock-free retry only when two attempts at the same instance complete at
 * the same moment); the in-flight count is a {@link LongAdder}, whose striped cells keep the
 * increment and decrement of every attempt from contending on one word, at the price of a sum
 * over the cells when scoring (a few cells on a small machine). Nothing is shared between
 * instances or stores.
 */
final class ReplicaStats {
  /** A score's latency floor in nanoseconds, so in-flight counts still order idle instances. */
  private static final double LATENCY_FLOOR_NANOS = 1;

  private final LongAdder inFlight = new LongAdder();
  private final AtomicReference<Snapshot> snapshot;

  /**
   * The decayed statistics as of {@code stampNanos}.
   *
   * @param latencyNanos the latency estimate (peak EWMA; the fastest answer while cold), in
   *     nanoseconds
   * @param stampNanos when the last sample was taken (monotonic nanoseconds)
   * @param attempts the decayed count of completed attempts
   * @param failures the decayed count of failed attempts
   * @param samples completed attempts ever (not decayed), for the cold start
   */
  record Snapshot(double latencyNanos, long stampNanos, double attempts, double failures,
      long samples) {
    /** The decay weight of what was true at {@code stampNanos}, at {@code nowNanos}. */
    double weight(long nowNanos, long tauNanos) {
      return Math.exp(-Math.max(0, nowNanos - stampNanos) / (double) tauNanos);
    }

    /** The error rate, from 0 (no failure, or no attempt) to 1. */
    double errorRate() {
      return attempts == 0 ? 0 : failures / attempts;
    }
  }

  /** @param nowNanos when the instance was first seen (monotonic nanoseconds) */
  ReplicaStats(long nowNanos) {
    this.snapshot = new AtomicReference<>(new Snapshot(0, nowNanos, 0, 0, 0));
  }

  /** Counts an attempt sent to the instance; {@link #finished} must follow once it ends. */
  void started() {
    inFlight.increment();
  }

  /** Counts the end of an attempt counted by {@link #started}, whatever its outcome. */
  void finished() {
    inFlight.decrement();
  }

  /** Attempts sent to the instance and not yet ended. */
  long inFlight() {
    return inFlight.sum();
  }

  /**
   * Records how an attempt ended. Once the instance is warm (at least {@code min-samples}
   * samples), the peak-EWMA update: an answer's latency is blended in (or replaces a lower
   * estimate: the peak); a failure or a cancel only raises the estimate to its duration. While it
   * is cold, the estimate is the fastest answer so far: the first attempts at an instance pay for
   * the connection's setup and the JIT's warm-up, and one such outlier as a peak would keep the
   * instance out of the draws for {@code decay-time x ln(outlier / normal)}. Answers and failures
   * count for the error rate and the samples, a cancel does not.
   *
   * @param outcome how the attempt ended; {@link AttemptOutcome#IGNORED} records nothing
   * @param elapsedNanos how long the attempt took
   * @param nowNanos when it ended (monotonic nanoseconds)
   * @param config the store's current settings ({@code decay-time}, {@code min-samples})
   */
  void record(AttemptOutcome outcome, long elapsedNanos, long nowNanos,
      AdaptiveRoutingConfig config) {
    if (outcome == AttemptOutcome.IGNORED) {
      return;
    }
    long tauNanos = config.decayTime().toNanos();
    boolean sample = outcome != AttemptOutcome.CANCELLED;
    Snapshot seen;
    Snapshot next;
    do {
      seen = snapshot.get();
      double w = seen.weight(nowNanos, tauNanos);
      next = new Snapshot(latency(seen, outcome, elapsedNanos, w, config.minSamples()),
          Math.max(nowNanos, seen.stampNanos), seen.attempts * w + (sample ? 1 : 0),
          seen.failures * w + (outcome == AttemptOutcome.FAILED ? 1 : 0),
          seen.samples + (sample ? 1 : 0));
    } while (!snapshot.compareAndSet(seen, next));
  }

  /** The latency estimate after {@code outcome}; {@code w} is the decay weight of {@code seen}. */
  private static double latency(Snapshot seen, AttemptOutcome outcome, long elapsedNanos,
      double w, int minSamples) {
    boolean answered = outcome == AttemptOutcome.ANSWERED;
    if (seen.samples < minSamples) { // cold: the fastest answer so far (0: none yet)
      return !answered ? seen.latencyNanos
          : seen.latencyNanos == 0 ? elapsedNanos : Math.min(seen.latencyNanos, elapsedNanos);
    }
    double decayed = seen.latencyNanos * w;
    if (!answered) {
      return Math.max(decayed, elapsedNanos);
    }
    return elapsedNanos > seen.latencyNanos ? elapsedNanos : decayed + elapsedNanos * (1 - w);
  }

  /** The statistics as of the last sample (not decayed to now). */
  Snapshot snapshot() {
    return snapshot.get();
  }

  /** The latency estimate decayed to {@code nowNanos}, in nanoseconds. */
  double latencyNanos(long nowNanos, long tauNanos) {
    Snapshot seen = snapshot.get();
    return seen.latencyNanos * seen.weight(nowNanos, tauNanos);
  }

  /**
   * Finagle's peak-EWMA load, {@code latency * (inFlight + 1)}, raised by the error rate.
   *
   * @param latencyNanos the latency estimate to score with (the instance's own, or the cold-start
   *     one)
   * @param errorRate the error rate to score with, 0 to 1
   * @param errorPenalty the multiplier of the error rate ({@code error-penalty})
   * @return the score, lower is better, in latency nanoseconds
   */
  double score(double latencyNanos, double errorRate, double errorPenalty) {
    return Math.max(latencyNanos, LATENCY_FLOOR_NANOS) * (inFlight() + 1)
        * (1 + errorPenalty * errorRate);
  }
}
