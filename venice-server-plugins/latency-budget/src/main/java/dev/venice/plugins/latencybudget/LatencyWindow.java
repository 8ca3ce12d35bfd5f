package dev.venice.plugins.latencybudget;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One store's rolling window of single-get latencies: an HdrHistogram {@link Recorder} that request
 * threads record into, closed into a slice at each evaluation, and a ring of the last {@code
 * slices} slices whose merge gives the window's p99.
 *
 * <p><b>The window.</b> It is {@code slices} evaluation intervals long ({@code W = slices ×
 * interval}, 3 × 30 s = 90 s by default) and moves by a whole slice at each evaluation: the window
 * evaluated at time {@code t} holds exactly the calls that ended in {@code (t - W, t]}. Its p99 is
 * HdrHistogram's value at rank {@code ceil(0.99 × n)} of its {@code n} calls, so it is a slow value
 * exactly when the slow calls are <em>strictly more</em> than 1% of the window ({@code k > 0.01 ×
 * n}; 30 slow calls of 3,000 still give a fast p99, 31 a slow one).
 *
 * <p><b>Convergence</b> (at steady traffic, a degradation slowing a fraction {@code f} of the calls
 * above the budget, calls outside it under the budget):
 *
 * <ul>
 *   <li><b>Onset.</b> The p99 goes over the budget at the first evaluation more than {@code 0.01 ×
 *       W / f} after the degradation began (then the slow calls are over 1% of the window), if
 *       {@code f > 1%}; never if {@code f <= 1%}. Counted in evaluations, for an onset right after
 *       an evaluation: the {@code (floor(0.01 × slices / f) + 1)}-th one after it (every call
 *       slow: the first; {@code f = 3%} with 3 slices: the second, since 30 slow calls of 3,000 are
 *       not more than 1%). With every call slow, an onset less than {@code 0.01 × W} before an
 *       evaluation (0.9 s by default) is not yet in that evaluation's p99: it shows at the next.
 *   <li><b>Recovery</b> after a degradation that lasted at least {@code W}: the p99 is back under
 *       the budget at the first evaluation at least {@code W × (1 - 0.01 / f)} after the recovery,
 *       when the slow calls left in the window are down to 1%. Counted in evaluations: at the
 *       latest the {@code (slices + 1)}-th after the recovery, since the slice that was open at the
 *       recovery holds slow calls until it leaves the window: up to {@code (slices + 1) ×
 *       interval} after it (120 s by default, not 90). The {@code slices}-th already when the
 *       recovery falls within the first {@code 0.01 × W / f} after an evaluation (0.9 s with every
 *       call slow), and sooner for a small {@code f} or a degradation shorter than {@code W}.
 * </ul>
 *
 * A shorter window reacts faster but each p99 rests on fewer calls (noisier); {@code min-samples}
 * keeps a quiet store's few calls from raising an alarm. {@code LatencyWindowTest} shows each case
 * with a manual clock.
 *
 * <p><b>Precision and memory.</b> Values are microseconds (truncated from nanoseconds) with three
 * significant digits: a reported p99 is at most 0.1% above the true one (HdrHistogram reports the
 * top of a value's bucket) and at most 1 µs below it. Histograms auto-resize, so memory follows the
 * slowest latency seen: about 41 KB per histogram for latencies up to 10 ms, 66 KB up to 100 ms,
 * 91 KB up to 1 s, 123 KB up to 10 s; a window holds {@code slices + 2} of them (the ring and the
 * recorder's two), and the evaluator one more to merge into, shared by all windows.
 *
 * <p>Thread-safety: {@link #record} from any number of threads, wait-free (HdrHistogram's
 * recorder); {@link #rotate} from one thread at a time (the evaluator's).
 */
final class LatencyWindow {
  /** HdrHistogram's significant value digits: a value read at most 0.1% high. */
  static final int DIGITS = 3;

  private final Recorder recorder = new Recorder(DIGITS);
  private final Histogram[] slices;
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
   *
   * @param merged a histogram of {@link #DIGITS} digits to merge the slices into (reset first),
   *     reused across windows by the one evaluating thread
   */
  Summary rotate(Histogram merged) {
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
