package dev.venice.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What every load report shares: the machine, the exact command, percentiles of a latency
 * histogram, the median and spread of a value over rounds, and the Markdown file itself. Used by
 * {@link LoadRunner} and {@code CoalescingLoadRun}. Histograms hold microseconds.
 */
public final class LoadReport {
  private LoadReport() {}

  /** The command this JVM was started with, as a reader can paste it ({@code java ...}). */
  public static String command() {
    return "java " + ProcessHandle.current().info().arguments().map(a -> String.join(" ", a))
        .orElse("");
  }

  /**
   * One line naming the machine: cores, CPU model, OS, JVM, maximum heap. Written in every report
   * because the numbers mean nothing without it.
   */
  public static String machine() {
    return String.format(Locale.ROOT, "%d cores, %s, %s %s, Java %s (%s), heap max %d MiB",
        Runtime.getRuntime().availableProcessors(), cpu(), System.getProperty("os.name"),
        System.getProperty("os.version"), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);
  }

  /**
   * The code measured: {@code git describe --always --dirty} of the working directory (a
   * {@code -dirty} suffix: uncommitted changes were built too), or {@code unknown} outside a git
   * checkout.
   */
  public static String codeVersion() {
    try {
      Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
          .redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8).trim();
      return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** The CPU model from {@code /proc/cpuinfo}, or {@code unknown CPU}. */
  public static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  /** A percentile of a histogram of microseconds, in milliseconds. */
  public static double ms(Histogram latencyMicros, double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1e3;
  }

  /** Records a duration in nanoseconds into a histogram of microseconds (at least 1 µs). */
  public static void recordNanos(org.HdrHistogram.Recorder recorder, long nanos) {
    recorder.recordValue(Math.max(1, nanos / 1000));
  }

  /** CPU time this JVM has used so far, in nanoseconds (all threads), or -1 if unknown. */
  public static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Garbage collections of this JVM so far and the time they took, in ms ({@code {count,
   * millis}}), over all collectors. With G1 the time is the pauses' (its concurrent cycles are
   * not counted): every call in flight during one waits for it.
   */
  public static long[] gc() {
    long count = 0;
    long millis = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /**
   * Busy and total jiffies of the whole machine from {@code /proc/stat} ({@code {busy, total}}),
   * or {@code {0, 0}} when not on Linux: the difference over an interval tells how busy the
   * machine was, this JVM or not.
   */
  public static long[] machineJiffies() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      long[] fields = Arrays.stream(cpu.trim().split("\\s+")).skip(1)
          .mapToLong(Long::parseLong).toArray();
      long total = Arrays.stream(fields).sum();
      long idle = fields[3] + (fields.length > 4 ? fields[4] : 0); // idle + iowait
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /**
   * The median and range of a value measured once per round.
   *
   * @param median the median (the mean of the two middle values for an even count)
   * @param min the smallest
   * @param max the largest
   */
  public record Spread(double median, double min, double max) {
    /** The spread of {@code values}; all {@code NaN} for none. */
    public static Spread of(List<Double> values) {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v))
          .sorted().toArray();
      if (sorted.length == 0) {
        return new Spread(Double.NaN, Double.NaN, Double.NaN);
      }
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Spread(median, sorted[0], sorted[n - 1]);
    }

    /** {@code median [min–max]} with the given format for each number. */
    public String format(String number) {
      if (Double.isNaN(median)) {
        return "n/a";
      }
      return String.format(Locale.ROOT, number + " ", median) + range(number);
    }

    /** {@code [min–max]} with the given format for each number; empty if there is none. */
    public String range(String number) {
      if (Double.isNaN(min)) {
        return "";
      }
      return String.format(Locale.ROOT, "[" + number + "–" + number + "]", min, max);
    }
  }

  /** Opens {@code report} for writing (creating its directory); the caller closes it. */
  public static PrintWriter open(Path report) throws IOException {
    Path parent = report.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return new PrintWriter(Files.newBufferedWriter(report));
  }

  /** Writes a Markdown table header: the columns, then the separator line. */
  public static void tableHeader(PrintWriter out, String... columns) {
    out.println("| " + String.join(" | ", columns) + " |");
    out.println("|" + " --- |".repeat(columns.length));
  }

  /** Writes one Markdown table row. */
  public static void tableRow(PrintWriter out, Object... cells) {
    StringBuilder row = new StringBuilder("|");
    for (Object cell : cells) {
      row.append(' ').append(cell).append(" |");
    }
    out.println(row);
  }

  /** {@code String.format} with a fixed locale, so reports read the same everywhere. */
  public static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
