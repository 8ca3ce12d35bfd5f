package dev.venice.cli;

import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.push.PushProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice push}. */
@Command(name = "push", description = "Push a file as a new version of a store and wait until"
    + " it serves: an Avro container file with 'key' and 'value' fields, or JSON lines"
    + " {\"key\": ..., \"value\": ...}.", mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice push --store users --file users.avro",
        "  venice push --store users --file users.jsonl --json"})
final class PushCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = "Store name.")
  String store;
  @Option(names = {"-f", "--file"}, required = true, description = "Input file.")
  Path file;
  @Option(names = "--format", description = "AVRO or JSON_LINES (default: from the file name).")
  PushJob.Format format;

  @Override
  public Integer call() {
    PushJob.Result result = push(options, spec.commandLine().getErr(), store, file, format);
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

  /** Runs a push with a progress bar on {@code err} (unless printing JSON). */
  static PushJob.Result push(GlobalOptions options, PrintWriter err, String store, Path file,
      PushJob.Format format) {
    PushJob.Format chosen = format != null ? format : PushJob.Format.of(file);
    long total = count(file, chosen);
    ProgressBar bar = new ProgressBar(err, total, !options.json);
    PushJob.Result result = PushJob.create(options.controllerUrl(), store, file).format(chosen)
        .progress(bar::update).run();
    bar.finish();
    return result;
  }

  private static long count(Path file, PushJob.Format format) {
    try {
      if (format == PushJob.Format.AVRO) {
        try (DataFileReader<Object> reader = new DataFileReader<>(file.toFile(),
            new GenericDatumReader<>())) {
          long n = 0;
          for (; reader.hasNext(); reader.next()) {
            n++;
          }
          return n;
        }
      }
      try (Stream<String> lines = Files.lines(file)) {
        return lines.filter(l -> !l.isBlank()).count();
      }
    } catch (IOException | RuntimeException e) {
      return -1; // the push itself reports what is wrong with the file
    }
  }

  /** One line redrawn in place: records, bytes, rate, ETA. */
  static final class ProgressBar {
    private final PrintWriter out;
    private final long total;
    private final boolean enabled;

    ProgressBar(PrintWriter out, long total, boolean enabled) {
      this.out = out;
      this.total = total;
      this.enabled = enabled;
    }

    void update(PushProgress p) {
      if (!enabled) {
        return;
      }
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
      if (enabled) {
        out.println();
        out.flush();
      }
    }
  }
}
