package dev.venice.plugins.longtailretry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch-get retry thresholds by key count, in Venice's notation for its fast client's {@code
 * longTailRangeBasedRetryThresholdForBatchGetInMilliSeconds}: comma-separated {@code
 * from-to:millis} ranges that start at 1 key, follow each other without gap or overlap, and end
 * with an open range {@code from-:millis}; Venice's default is {@link #VENICE_DEFAULT}. Immutable.
 */
final class BatchGetThresholds {
  /** Venice's default: 8 ms up to 12 keys, then 30, 50, 100 and 500 ms. */
  static final String VENICE_DEFAULT = "1-12:8,13-20:30,21-150:50,151-500:100,501-:500";

  /** The largest key count of each range but the last, ascending. */
  private final int[] upTo;
  /** Each range's threshold (ns); one more than {@link #upTo}. */
  private final long[] thresholdNanos;

  private BatchGetThresholds(int[] upTo, long[] thresholdNanos) {
    this.upTo = upTo;
    this.thresholdNanos = thresholdNanos;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the range at fault and what is wrong with it
   */
  static BatchGetThresholds parse(String text) {
    String[] ranges = text.strip().split(",", -1);
    List<Integer> bounds = new ArrayList<>();
    long[] thresholds = new long[ranges.length];
    int expectedFrom = 1;
    for (int i = 0; i < ranges.length; i++) {
      String range = ranges[i].strip();
      int colon = range.indexOf(':');
      int dash = range.indexOf('-');
      if (colon < 0 || dash < 0 || dash > colon) {
        throw bad(text, range, "expected from-to:millis, e.g. 1-12:8, or from-:millis last");
      }
      int from = number(text, range, range.substring(0, dash), "key count");
      if (from != expectedFrom) {
        throw bad(text, range, "starts at " + from + " keys but must start at " + expectedFrom
            + (i == 0 ? " (the first range starts at 1 key)" : " (right after the previous range)"));
      }
      thresholds[i] = Duration.ofMillis(
          number(text, range, range.substring(colon + 1), "threshold in ms")).toNanos();
      String to = range.substring(dash + 1, colon).strip();
      boolean last = i == ranges.length - 1;
      if (to.isEmpty() != last) {
        throw bad(text, range, last ? "the last range must be open, e.g. " + from + "-:500"
            : "only the last range may be open");
      }
      if (!last) {
        int end = number(text, range, to, "key count");
        if (end < from) {
          throw bad(text, range, "ends before it starts");
        }
        bounds.add(end);
        expectedFrom = end + 1;
      }
    }
    return new BatchGetThresholds(bounds.stream().mapToInt(Integer::intValue).toArray(),
        thresholds);
  }

  /** The threshold (ns) of a batch get of {@code keys} keys (at least 1). */
  long thresholdNanos(int keys) {
    for (int i = 0; i < upTo.length; i++) {
      if (keys <= upTo[i]) {
        return thresholdNanos[i];
      }
    }
    return thresholdNanos[upTo.length];
  }

  private static int number(String text, String range, String digits, String what) {
    try {
      int value = Integer.parseInt(digits.strip());
      if (value < 0) {
        throw bad(text, range, "the " + what + " " + value + " is negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(text, range, "'" + digits.strip() + "' is not a " + what);
    }
  }

  private static IllegalArgumentException bad(String text, String range, String why) {
    return new IllegalArgumentException("'" + text + "': range '" + range + "' " + why);
  }
}
