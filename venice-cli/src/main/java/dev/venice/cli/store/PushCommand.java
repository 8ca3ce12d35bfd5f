package dev.venice.cli.store;

import dev.venice.cli.GlobalOptions;
import dev.venice.runtime.push.CompressionBenchmark;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.push.PushProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code venice push}. */
@Command(name = "push", description = "Push a file as a new version of a store and wait until"
    + " it serves: an Avro container file with 'key' and 'value' fields, or JSON lines"
    + " {\"key\": ..., \"value\": ...} (one object per line, no other fields). The whole file is"
    + " checked before anything changes; an empty file, or one with far fewer records than the"
    + " current version (beyond the controller's push.max.shrink.fraction, 50%% by default), is"
    + " refused unless --allow-empty or --force is given.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice push --store users --file users.avro",
        "  venice push --store users --file users.jsonl --json",
        "  venice push --store users --file sample.jsonl --force",
        "  venice push --store users --file users.avro --max-records-per-second 5000",
        "  venice push --store users --file users.avro --benchmark-compression"})
public final class PushCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  public String store;
  @Option(names = {"-f", "--file"}, required = true, description = {"Input file.",
      "Example: --file users.jsonl"})
  public Path file;
  @Option(names = "--format", description = {"AVRO or JSON_LINES (default: from the file name).",
      "Example: --format JSON_LINES"})
  PushJob.Format format;
  @Option(names = "--allow-empty", description = {"Let an input with no records replace the"
      + " current version.",
      "Example: --allow-empty"})
  public boolean allowEmpty;
  @Option(names = "--force", description = {"Let an input with far fewer records than the current"
      + " version replace it (beyond the controller's push.max.shrink.fraction, default 50%%).",
      "Example: --force"})
  public boolean force;
  @Option(names = "--max-records-per-second", paramLabel = "N",
      description = {"Write at most N records a second (default 0: as fast as Kafka takes them),"
          + " to spare a cluster serving reads; the ETA shown by venice watch-pushes follows.",
          "Example: --max-records-per-second 5000"})
  public double maxRecordsPerSecond;
  @Option(names = "--benchmark-compression", description = {"Push nothing: sample the file's"
      + " values uniformly and measure NO_OP, GZIP, ZSTD and ZSTD_WITH_DICT on them (compressed"
      + " size, compression and decompression time per value after warm-up rounds, the"
      + " dictionary's training time), then recommend the best ratio within the decompression"
      + " budget. The store is not changed.",
      "Example: --benchmark-compression --sample-size 5000"})
  public boolean benchmarkCompression;
  @Option(names = "--sample-size", paramLabel = "N", defaultValue = "10000",
      description = {"With --benchmark-compression: the most values to sample (default 10000).",
          "Example: --sample-size 5000"})
  public int sampleSize;
  @Option(names = "--decompression-budget-us", paramLabel = "MICROS", defaultValue = "50",
      description = {"With --benchmark-compression: the most a value's decompression may take,"
          + " in microseconds (default 50): the read path pays it on every read.",
          "Example: --decompression-budget-us 20"})
  public double decompressionBudgetMicros;

  @Override
  public Integer call() {
    if (!(maxRecordsPerSecond >= 0) || Double.isInfinite(maxRecordsPerSecond)) {
      throw new ParameterException(spec.commandLine(), "--max-records-per-second must be 0 (no"
          + " limit) or a positive number of records; got " + maxRecordsPerSecond);
    }
    if (benchmarkCompression) {
      return benchmark();
    }
    PushJob.Result result = push(options, spec.commandLine().getErr(), PushJob.create(
        options.controllerUrl(), store, file).allowEmpty(allowEmpty).force(force)
        .maxRecordsPerSecond(maxRecordsPerSecond), format, file);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", result.store());
    json.put("version", result.version());
    json.put("records", result.records());
    json.put("bytes", result.bytes());
    json.put("seconds", result.duration().toMillis() / 1000.0);
    print(json, "store " + store + " version " + result.version() + " is online: "
        + result.records() + " records in " + result.duration().toMillis() + " ms");
    return 0;
  }

  private int benchmark() {
    if (sampleSize < 1) {
      throw new ParameterException(spec.commandLine(), "--sample-size must be at least 1; got "
          + sampleSize);
    }
    if (!(decompressionBudgetMicros > 0) || Double.isInfinite(decompressionBudgetMicros)) {
      throw new ParameterException(spec.commandLine(), "--decompression-budget-us must be a"
          + " positive number of microseconds; got " + decompressionBudgetMicros);
    }
    PushJob job = PushJob.create(options.controllerUrl(), store, file);
    CompressionBenchmark.Report report = job.format(format != null ? format
        : PushJob.Format.of(file)).benchmarkCompression(sampleSize, decompressionBudgetMicros);
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "compression of %,d values sampled from %,d records of %s (store %s unchanged)%n%n",
        report.sampledRecords(), report.inputRecords(), file, store));
    text.append(String.format(Locale.ROOT, "%-15s %14s %7s %14s %16s %12s%n", "STRATEGY",
        "BYTES", "RATIO", "COMPRESS µs", "DECOMPRESS µs", "TRAINING ms"));
    for (CompressionBenchmark.Row row : report.rows()) {
      text.append(String.format(Locale.ROOT, "%-15s %,14d %6.2fx %14.2f %16.2f %12s%s%n",
          row.strategy(), row.compressedBytes(), row.ratio(), row.compressMicrosPerValue(),
          row.decompressMicrosPerValue(), row.dictionaryBytes() == 0 ? "-"
              : String.format(Locale.ROOT, "%.1f", row.dictionaryTrainingMillis()),
          row.withinBudget() ? "" : "  (over the budget)"));
    }
    text.append(String.format(Locale.ROOT, "%nrecommended: %s, %s%n(µs per value, mean of %d"
        + " rounds after %d warm-up rounds on this machine; ZSTD_WITH_DICT's dictionary, %s, is"
        + " trained on the same sample, as a push does; to use it: venice store update --store"
        + " %s --set 'compressionStrategy=\"%s\"')", report.recommended(), report.reason(),
        CompressionBenchmark.MEASURED_ROUNDS, CompressionBenchmark.WARM_UP_ROUNDS,
        report.rows().stream().filter(r -> r.dictionaryBytes() > 0).findFirst()
            .map(r -> String.format(Locale.ROOT, "%,d bytes", r.dictionaryBytes())).orElse("-"),
        store, report.recommended()));
    print(report, text.toString());
    return 0;
  }

  /** Runs {@code job} with a progress bar on {@code err} (unless printing JSON). */
  public static PushJob.Result push(GlobalOptions options, PrintWriter err, PushJob job,
      PushJob.Format format, Path file) {
    ProgressBar bar = new ProgressBar(err, !options.json);
    try {
      return job.format(format != null ? format : PushJob.Format.of(file))
          .progress(bar::update).run();
    } finally {
      bar.finish();
    }
  }

  /** One line redrawn in place: records, bytes, rate, ETA. */
  public static final class ProgressBar {
    private final PrintWriter out;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(PrintWriter out, boolean enabled) {
      this.out = out;
      this.enabled = enabled;
    }

    void update(PushProgress p) {
      if (!enabled) {
        return;
      }
      drawn = true;
      if (p.phase().equals("CHECKING")) {
        out.print(String.format("\rchecking the input: %,d records", p.records()));
        out.flush();
        return;
      }
      long total = p.totalRecords();
      double rate = p.recordsPerSecond();
      String done = total > 0 ? String.format("%3d%% ", Math.min(100, p.records() * 100 / total))
          : "";
      String eta = total > 0 && rate > 0 && p.records() < total
          ? String.format(", ETA %.0f s", (total - p.records()) / rate) : "";
      int width = 30;
      int filled = total > 0 ? (int) Math.min(width, p.records() * width / total) : 0;
      out.print(String.format("\r[%s%s] %s%,d records, %,d bytes, %,.0f rec/s%s  %-40s",
          "#".repeat(filled), " ".repeat(width - filled), done, p.records(), p.bytes(), rate, eta,
          p.phase().equals("WAITING_FOR_ONLINE") ? "waiting for the version to go online"
              : p.phase().equals("DONE") ? "online" : ""));
      out.flush();
    }

    void finish() {
      if (enabled && drawn) {
        out.println();
        out.flush();
      }
    }
  }
}
