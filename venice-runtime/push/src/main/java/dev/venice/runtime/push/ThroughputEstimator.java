package dev.venice.runtime.push;

import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Estimates a push's throughput and its time to finish from samples of how many records it has
 * written (seed project 38, {@code ThroughputEstimator}).
 *
 * <p>The rate is an exponentially weighted mean over a sliding window: each interval between two
 * samples (and the open interval from the last sample to now, which holds no records) weighs
 * {@code 2^(-age / halfLife)}, and the rate is {@code sum(w * records) / sum(w * seconds)} over
 * the intervals that ended within the window. Weighting records and seconds alike keeps irregular
 * sampling from skewing the mean, and the open interval makes the rate fall as soon as writes
 * pause. Intervals that began during the warm-up are left out: a producer absorbs its first
 * records into its buffer far faster than Kafka takes them, so early samples overstate the rate.
 * When no record was written for the stall timeout the push is {@link State#STALLED} and has no
 * ETA rather than an infinite one. The ETA is {@code remaining records / rate} with a range of
 * {@link #RANGE} either side.
 *
 * <p>Thread-safe: the push's writer calls {@link #record} while a reporter calls {@link
 * #estimate}.
 */
public final class ThroughputEstimator {
  /** The ETA's range either side of the estimate, as a fraction of it (±20%). */
  public static final double RANGE = 0.2;

  /** Where the estimate stands. */
  public enum State {
    /** Within the warm-up: no rate yet. */
    WARMING_UP,
    /** Writing at a measured rate: an ETA is given. */
    RUNNING,
    /** No record written for the stall timeout: no ETA. */
    STALLED,
    /** Every record written. */
    DONE
  }

  /**
   * One estimate.
   *
   * @param state where the estimate stands
   * @param recordsDone records written so far
   * @param totalRecords records to write in all
   * @param recordsPerSecond the smoothed rate (0 while warming up or stalled)
   * @param eta time left; {@code null} unless {@link State#RUNNING} or {@link State#DONE} (zero)
   * @param etaLow the short end of the ETA's range, {@code eta * (1 - RANGE)}; null with eta
   * @param etaHigh the long end, {@code eta * (1 + RANGE)}; null with eta
   */
  public record Estimate(State state, long recordsDone, long totalRecords,
      double recordsPerSecond, Duration eta, Duration etaLow, Duration etaHigh) {}

  /**
   * The settings.
   *
   * @param window how far back samples count
   * @param halfLife the age at which a sample weighs half as much as a new one
   * @param warmUp samples from the first this long are left out
   * @param stallAfter no progress for this long is a stall
   */
  public record Settings(Duration window, Duration halfLife, Duration warmUp,
      Duration stallAfter) {
    /** A 30 s window, a 5 s half-life, a 2 s warm-up, a stall after 15 s. */
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(15));

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException when a duration is negative, or window, half-life or
     *     stall timeout is zero
     */
    public Settings {
      for (Duration d : new Duration[] {window, halfLife, stallAfter}) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("throughput estimator settings must be positive: "
              + d);
        }
      }
      if (warmUp.isNegative()) {
        throw new IllegalArgumentException("warm-up must not be negative: " + warmUp);
      }
    }
  }

  private record Sample(long nanos, long records) {}

  private final long totalRecords;
  private final Settings settings;
  private final TimeSource time;
  private final long warmUpEndNanos;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private long lastProgressNanos;

  /**
   * Starts estimating a push of {@code totalRecords} records now.
   *
   * @throws IllegalArgumentException when {@code totalRecords} is negative
   */
  public ThroughputEstimator(long totalRecords, Settings settings, TimeSource time) {
    if (totalRecords < 0) {
      throw new IllegalArgumentException("total records must not be negative: " + totalRecords);
    }
    this.totalRecords = totalRecords;
    this.settings = settings;
    this.time = time;
    long start = time.nanoTime();
    this.warmUpEndNanos = start + settings.warmUp().toNanos();
    this.lastProgressNanos = start;
    samples.add(new Sample(start, 0));
  }

  /**
   * Records that {@code recordsDone} records are written by now.
   *
   * @throws IllegalArgumentException when the count goes down or past the total
   */
  public synchronized void record(long recordsDone) {
    long previous = samples.peekLast().records();
    if (recordsDone < previous || recordsDone > totalRecords) {
      throw new IllegalArgumentException("records written must grow within 0.." + totalRecords
          + ": " + previous + " then " + recordsDone);
    }
    long now = time.nanoTime();
    if (recordsDone > previous) {
      lastProgressNanos = now;
    }
    samples.add(new Sample(now, recordsDone));
    // keep one sample older than the window: it starts the oldest interval within it
    long windowStart = now - settings.window().toNanos();
    while (samples.size() > 2 && nth(samples, 1).nanos() <= windowStart) {
      samples.removeFirst();
    }
  }

  /** The estimate as of now. */
  public synchronized Estimate estimate() {
    long now = time.nanoTime();
    long done = samples.peekLast().records();
    if (done >= totalRecords) {
      return new Estimate(State.DONE, done, totalRecords, rate(now), Duration.ZERO,
          Duration.ZERO, Duration.ZERO);
    }
    if (now - lastProgressNanos >= settings.stallAfter().toNanos()) {
      return new Estimate(State.STALLED, done, totalRecords, 0, null, null, null);
    }
    double rate = rate(now);
    if (rate <= 0) {
      boolean warming = samples.peekLast().nanos() < warmUpEndNanos;
      return new Estimate(warming ? State.WARMING_UP : State.STALLED, done, totalRecords, 0,
          null, null, null);
    }
    double seconds = (totalRecords - done) / rate;
    return new Estimate(State.RUNNING, done, totalRecords, rate, seconds(seconds),
        seconds(seconds * (1 - RANGE)), seconds(seconds * (1 + RANGE)));
  }

  /** Records per second, weighted; 0 when no interval after the warm-up has ended yet. */
  private double rate(long now) {
    double halfLife = settings.halfLife().toNanos();
    long windowStart = now - settings.window().toNanos();
    double records = 0;
    double nanos = 0;
    Sample previous = null;
    for (Sample sample : samples) {
      if (previous != null && previous.nanos() >= warmUpEndNanos
          && sample.nanos() > windowStart) {
        double weight = Math.pow(2, -(now - sample.nanos()) / halfLife);
        records += weight * (sample.records() - previous.records());
        nanos += weight * (sample.nanos() - previous.nanos());
      }
      previous = sample;
    }
    if (nanos == 0) {
      return 0;
    }
    if (previous.nanos() >= warmUpEndNanos) {
      nanos += now - previous.nanos(); // the open interval: weight 1, no records yet
    }
    return records * 1e9 / nanos;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static Sample nth(ArrayDeque<Sample> samples, int index) {
    Iterator<Sample> it = samples.iterator();
    for (int i = 0; i < index; i++) {
      it.next();
    }
    return it.next();
  }
}
