package dev.venice.runtime.push;

import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.CompressionStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Measures every {@link CompressionStrategy} on a sample of a push's values (seed project 19,
 * {@code venice push --benchmark-compression}): the compressed size, the compression and
 * decompression time per value, and for {@code ZSTD_WITH_DICT} the time to train its dictionary
 * on the sample (as the push would) and the dictionary's size. Each strategy first runs {@link
 * #WARM_UP_ROUNDS} rounds over the sample that are thrown away (the JIT compiles the paths, zstd
 * and the JDK's gzip allocate their buffers), then {@link #MEASURED_ROUNDS} measured rounds; a
 * time is the mean of those. The recommendation is the best compression ratio among the
 * strategies whose decompression (the read path's cost) stays within the budget; a ratio within
 * 1% of the best counts as equal and the faster decompression wins. Nothing is written anywhere.
 *
 * <p>Single-threaded; the times are wall-clock on this machine, with whatever else it runs.
 */
public final class CompressionBenchmark {
  /** Rounds over the sample thrown away before measuring. */
  public static final int WARM_UP_ROUNDS = 2;
  /** Rounds measured. */
  public static final int MEASURED_ROUNDS = 3;
  /** The decompression budget {@code venice push --benchmark-compression} uses by default. */
  public static final double DEFAULT_DECOMPRESSION_BUDGET_MICROS = 50;

  /**
   * One strategy's numbers.
   *
   * @param strategy the strategy
   * @param originalBytes the sample's values, uncompressed (bytes)
   * @param compressedBytes the same values compressed (bytes; the dictionary not included)
   * @param ratio {@code originalBytes / compressedBytes}
   * @param compressMicrosPerValue mean compression time per value (µs)
   * @param decompressMicrosPerValue mean decompression time per value (µs)
   * @param dictionaryTrainingMillis the time to train the dictionary on the sample (ms);
   *     {@code ZSTD_WITH_DICT} only, else 0
   * @param dictionaryBytes the trained dictionary's size; {@code ZSTD_WITH_DICT} only, else 0
   * @param withinBudget whether decompression stays within the budget
   */
  public record Row(CompressionStrategy strategy, long originalBytes, long compressedBytes,
      double ratio, double compressMicrosPerValue, double decompressMicrosPerValue,
      double dictionaryTrainingMillis, int dictionaryBytes, boolean withinBudget) {}

  /**
   * The benchmark's outcome.
   *
   * @param inputRecords the records in the input
   * @param sampledRecords the records sampled (uniformly over the input)
   * @param decompressionBudgetMicros the decompression budget per value (µs)
   * @param rows one per strategy, in {@link CompressionStrategy} order
   * @param recommended the recommended strategy
   * @param reason why, in words
   */
  public record Report(long inputRecords, int sampledRecords, double decompressionBudgetMicros,
      List<Row> rows, CompressionStrategy recommended, String reason) {}

  private final LongSupplier nanoTime;

  /** A benchmark timed with {@code nanoTime} (the system's monotonic clock in production). */
  public CompressionBenchmark(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Measures every strategy on {@code values}.
   *
   * @param values serialized values as a push writes them, not yet compressed; at least one
   * @param inputRecords the records of the input they were sampled from
   * @param decompressionBudgetMicros the most a value's decompression may take (µs), above 0
   * @throws IllegalArgumentException when {@code values} is empty or the budget is not positive
   */
  public Report run(List<byte[]> values, long inputRecords, double decompressionBudgetMicros) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("nothing to benchmark: the sample holds no value");
    }
    if (!(decompressionBudgetMicros > 0)) {
      throw new IllegalArgumentException("the decompression budget must be above 0 µs; got "
          + decompressionBudgetMicros);
    }
    List<Row> rows = new ArrayList<>();
    for (CompressionStrategy strategy : CompressionStrategy.values()) {
      rows.add(measure(strategy, values, decompressionBudgetMicros));
    }
    Row best = rows.stream().filter(Row::withinBudget)
        .max(Comparator.comparingDouble(Row::ratio)).orElse(null);
    if (best == null) {
      return new Report(inputRecords, values.size(), decompressionBudgetMicros, rows,
          CompressionStrategy.NO_OP, "no strategy decompresses within "
              + decompressionBudgetMicros + " µs per value on this machine; NO_OP costs none");
    }
    Row pick = rows.stream().filter(Row::withinBudget)
        .filter(r -> r.ratio() >= best.ratio() * 0.99)
        .min(Comparator.comparingDouble(Row::decompressMicrosPerValue)).orElseThrow();
    return new Report(inputRecords, values.size(), decompressionBudgetMicros, rows,
        pick.strategy(), String.format(java.util.Locale.ROOT, "the best ratio (%.2fx) among the"
            + " strategies decompressing within %s µs per value", pick.ratio(),
            trim(decompressionBudgetMicros)));
  }

  private Row measure(CompressionStrategy strategy, List<byte[]> values, double budget) {
    CompressionDictionary dictionary = null;
    double trainingMillis = 0;
    if (strategy == CompressionStrategy.ZSTD_WITH_DICT) {
      long start = nanoTime.getAsLong();
      dictionary = CompressionDictionary.train(values, CompressionDictionary.DEFAULT_TRAINED_BYTES);
      trainingMillis = (nanoTime.getAsLong() - start) / 1e6;
    }
    byte[][] compressed = new byte[values.size()][];
    long compressNanos = 0;
    long decompressNanos = 0;
    for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
      long start = nanoTime.getAsLong();
      for (int i = 0; i < compressed.length; i++) {
        compressed[i] = Compression.compress(strategy, dictionary, values.get(i));
      }
      long middle = nanoTime.getAsLong();
      for (byte[] value : compressed) {
        Compression.decompress(strategy, dictionary, value);
      }
      long end = nanoTime.getAsLong();
      if (round >= WARM_UP_ROUNDS) {
        compressNanos += middle - start;
        decompressNanos += end - middle;
      }
    }
    for (int i = 0; i < compressed.length; i++) { // a benchmark of a broken codec is worthless
      if (!Arrays.equals(values.get(i), Compression.decompress(strategy, dictionary,
          compressed[i]))) {
        throw new IllegalStateException(strategy + " did not give value " + i + " back");
      }
    }
    long original = values.stream().mapToLong(v -> v.length).sum();
    long packed = Arrays.stream(compressed).mapToLong(v -> v.length).sum();
    double perValue = 1e3 * MEASURED_ROUNDS * values.size();
    double decompressMicros = decompressNanos / perValue;
    return new Row(strategy, original, packed, packed == 0 ? 1 : (double) original / packed,
        compressNanos / perValue, decompressMicros, trainingMillis,
        dictionary == null ? 0 : dictionary.size(), decompressMicros <= budget);
  }

  private static String trim(double number) {
    return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
  }
}
