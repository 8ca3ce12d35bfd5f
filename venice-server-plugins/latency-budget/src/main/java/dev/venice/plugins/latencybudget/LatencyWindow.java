package dev.venice.plugins.latencybudget;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One store's rolling window of single-get latencies: an HdrHistogram {@link Recorder} that request
 * threads record into, closed into a slice at each evaluation, and a ring of the last {@code
 * slices} slices whose merge gives the window's p99.
 *
 * <p>The window is {@code slices} evaluation intervals long (3 × 30 s = 90 s by default) and moves
 * by a whole slice at each evaluation, so it converges within a known number of evaluations: a
 * degradation that slows a fraction {@code f} of the calls shows in the p99 once slow calls are
 * more than 1% of the window, at the {@code ceil(0.01 × slices / f)}-th evaluation after it began
 * (the first one when every call is slow, {@code f > 0.01 × slices}); after a recovery the slow
 * slices leave the window one per evaluation, so the p99 is back under the budget at the {@code
 * slices}-th evaluation at the latest (earlier when the slow share falls below 1% sooner). A
 * shorter window reacts faster but each p99 rests on fewer calls (noisier); {@code min-samples}
 * keeps a quiet store's few calls from raising an alarm.
 *
 * <p>Values are microseconds with two significant digits (a reported p99 is within 1% of the
 * true one, HdrHistogram's guarantee), auto-resizing, so memory follows the largest latency seen:
 * a few kilobytes per histogram, {@code slices + 3} histograms per budgeted store.
 *
 * <p>Thread-safety: {@link #record} from any number of threads, wait-free (HdrHistogram's
 * recorder); {@link #rotate} from one thread at a time (the evaluator's).
 */
final class LatencyWindow {
  private static final int DIGITS = 2;

  private final Recorder recorder = new Recorder(DIGITS);
  private final Histogram[] slices;
  private final Histogram merged = new Histogram(DIGITS);
  private int next;

  /** @param slices the number of evaluation intervals the window spans, at least 1 */
  LatencyWindow(int slices) {
    if (slices < 1) {
      throw new IllegalArgumentException("slices must be at least 1, not " + slices);
    }
    this.slices = new Histogram[slices];
  }

  /** Records one call's latency. Thread-safe, wait-free. */
  void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos) / 1_000);
  }

  /** The window's number of slices. */
  int slices() {
    return slices.length;
  }

  /**
   * Closes the current slice (the calls recorded since the last rotation), drops the oldest and
   * returns the window's p99 and count over the latest {@code slices} slices. One thread at a time.
   */
  Summary rotate() {
    Histogram oldest = slices[next];
    // the recorder takes back the slice that leaves the window instead of allocating a new one
    slices[next] = oldest == null ? recorder.getIntervalHistogram()
        : recorder.getIntervalHistogram(oldest);
    next = (next + 1) % slices.length;
    merged.reset();
    for (Histogram slice : slices) {
      if (slice != null) {
        merged.add(slice);
      }
    }
    long count = merged.getTotalCount();
    double p99Ms = count == 0 ? 0 : merged.getValueAtPercentile(99.0) / 1_000.0;
    double maxMs = count == 0 ? 0 : merged.getMaxValue() / 1_000.0;
    return new Summary(p99Ms, maxMs, count);
  }

  /**
   * The window after a rotation.
   *
   * @param p99Ms the 99th percentile of the window's calls in milliseconds (0 with no call)
   * @param maxMs the slowest call of the window in milliseconds (0 with no call)
   * @param samples the number of calls in the window
   */
  record Summary(double p99Ms, double maxMs, long samples) {}
}
