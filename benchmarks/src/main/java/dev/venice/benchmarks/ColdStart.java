package dev.venice.benchmarks;

import dev.venice.benchmarks.LoadReport.Spread;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.spi.client.StoreClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cold-start scenario of issue 16: the time from a fast client's start (the {@code .fast()}
 * call) to its first successful read, with and without the metadata warm-up file, {@code runs}
 * times each, interleaved. Measured twice: in this JVM (classes loaded and JIT-compiled by earlier
 * runs, so the difference is the metadata fetch itself) and in a fresh JVM per run (a real
 * application start: class loading and connection set-up included).
 */
@Command(name = "cold-start", mixinStandardHelpOptions = true,
    description = "Time from client start to the first read, with and without the metadata"
        + " warm-up file.")
final class ColdStart implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "1000", description = "Keys pushed.")
  int records;
  @Option(names = "--partitions", defaultValue = "3", description = "Store partitions.")
  int partitions;
  @Option(names = "--runs", defaultValue = "20",
      description = "In-JVM runs per mode (after --warm-up-runs unmeasured ones).")
  int runs;
  @Option(names = "--warm-up-runs", defaultValue = "5",
      description = "Unmeasured in-JVM runs per mode first (class loading, JIT).")
  int warmUpRuns;
  @Option(names = "--fresh-jvm-runs", defaultValue = "20",
      description = "Runs per mode, each in a fresh JVM (0: none).")
  int freshJvmRuns;
  @Option(names = "--report", required = true, description = "Markdown report to write.")
  Path report;

  static final String WITHOUT = "without warm-up file";
  static final String WITH = "with warm-up file";

  /**
   * One measured start.
   *
   * @param buildNanos the {@code .fast()} call
   * @param firstReadNanos from then to the first read's answer
   */
  record Start(long buildNanos, long firstReadNanos) {
    long totalNanos() {
      return buildNanos + firstReadNanos;
    }
  }

  @Override
  public Integer call() throws Exception {
    String command = LoadReport.command();
    Path dir = Files.createTempDirectory("cold-start-");
    Path file = dir.resolve(LoadRunner.STORE + ".metadata");
    try (LoadCluster cluster = LoadCluster.start(3, LoadRunner.STORE, partitions, 3, records,
        LoadRunner::payload)) {
      // seed the file: a client with the file set writes it
      start(cluster.routerUrl(), file);
      LoadRunner.log("warm-up file written: " + Files.size(file) + " bytes");
      List<Start> without = new ArrayList<>();
      List<Start> with = new ArrayList<>();
      for (int i = 0; i < warmUpRuns + runs; i++) {
        boolean fileFirst = i % 2 == 1;
        Start a = start(cluster.routerUrl(), fileFirst ? file : null);
        Start b = start(cluster.routerUrl(), fileFirst ? null : file);
        if (i >= warmUpRuns) {
          (fileFirst ? with : without).add(a);
          (fileFirst ? without : with).add(b);
        }
      }
      List<Start> freshWithout = new ArrayList<>();
      List<Start> freshWith = new ArrayList<>();
      for (int i = 0; i < freshJvmRuns; i++) {
        boolean fileFirst = i % 2 == 1;
        Start a = freshJvm(cluster.routerUrl(), fileFirst ? file : null);
        Start b = freshJvm(cluster.routerUrl(), fileFirst ? null : file);
        (fileFirst ? freshWith : freshWithout).add(a);
        (fileFirst ? freshWithout : freshWith).add(b);
        LoadRunner.log(LoadReport.f("fresh JVM run %d: %s %.1f ms, %s %.1f ms", i + 1,
            fileFirst ? WITH : WITHOUT, a.totalNanos() / 1e6, fileFirst ? WITHOUT : WITH,
            b.totalNanos() / 1e6));
      }
      write(command, cluster, file, without, with, freshWithout, freshWith);
    } finally {
      Files.deleteIfExists(file);
      try (var rest = Files.list(dir)) {
        for (Path p : rest.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    LoadRunner.log("report written to " + report);
    return 0;
  }

  /** Starts a client (with the warm-up file if not null), reads one key, closes it. */
  static Start start(String routerUrl, Path file) {
    VeniceClients.Builder builder = VeniceClients.builder(routerUrl, LoadRunner.STORE);
    if (file != null) {
      builder.metadataWarmup(file);
    }
    String key = "k" + ThreadLocalRandom.current().nextInt(10);
    long begin = System.nanoTime();
    StoreClient<String, Object> client = builder.fast();
    long built = System.nanoTime();
    try {
      client.get(key).join();
      long read = System.nanoTime();
      return new Start(built - begin, read - built);
    } finally {
      client.close();
    }
  }

  /** The same in a fresh JVM: {@link Probe} prints its two durations. */
  static Start freshJvm(String routerUrl, Path file) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName(), routerUrl));
    if (file != null) {
      command.add(file.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String last = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        all.append(line).append('\n');
        if (line.startsWith("cold-start ")) {
          last = line;
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || last == null) {
      throw new IllegalStateException("the cold-start probe failed:\n" + all);
    }
    String[] parts = last.split(" ");
    return new Start(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** Run in a fresh JVM: {@code Probe <routerUrl> [warm-up file]}. */
  public static final class Probe {
    private Probe() {}

    /** Prints {@code cold-start <build nanos> <first read nanos>}. */
    public static void main(String[] args) {
      Start s = start(args[0], args.length > 1 ? Path.of(args[1]) : null);
      System.out.println("cold-start " + s.buildNanos() + " " + s.firstReadNanos());
      System.exit(0);
    }
  }

  private static Spread ms(List<Start> starts, java.util.function.ToLongFunction<Start> part) {
    return Spread.of(starts.stream().map(s -> part.applyAsLong(s) / 1e6).toList());
  }

  private void write(String command, LoadCluster cluster, Path file, List<Start> without,
      List<Start> with, List<Start> freshWithout, List<Start> freshWith) throws Exception {
    try (PrintWriter out = LoadReport.open(report)) {
      out.printf("# Cold start: time to the first read, with and without the metadata warm-up"
          + " file — %s%n%n", LocalDate.now());
      out.printf("Machine: %s.%n%n", LoadReport.machine());
      out.printf("Command: `%s`%n%n", command);
      out.printf("Code: `%s` (`git describe --always --dirty` of the working tree when the run started).%n%n",
          LoadReport.codeVersion());
      out.printf("## Set-up%n%n");
      out.printf("- **Cluster**: a local cluster in the same JVM as the measuring code"
          + " (embedded ZooKeeper, KRaft Kafka, 1 controller, 3 storage servers, 1 router, real"
          + " gRPC on loopback); store `%s`, %d partitions, replication factor 3, %,d keys.%n",
          cluster.store(), cluster.partitions(), cluster.records());
      out.printf("- **Measured**: from the `VeniceClients.builder(...).fast()` call to the"
          + " answer of the client's first single get (a random key), split into the"
          + " `.fast()` call and the first read. *With*: the builder has"
          + " `metadataWarmup(file)`, the file written beforehand by a client with the same"
          + " setting (seeded once, then rewritten by each client on close: never older than"
          + " the default max age); *without*: no warm-up file. Each client is closed after"
          + " its read.%n");
      out.printf("- **In this JVM**: %d runs per mode after %d unmeasured ones, the two modes"
          + " alternating (and which goes first alternating): classes are loaded and"
          + " JIT-compiled, so this isolates what the file saves — the routing-metadata"
          + " fetch from the router.%n", runs, warmUpRuns);
      out.printf("- **Fresh JVM**: %d runs per mode, each a new `java` process (same class"
          + " path) that times the same two steps: a real application start, class loading"
          + " and the first connections included.%n%n", freshJvmRuns);
      out.printf("## Results (ms)%n%n");
      LoadReport.tableHeader(out, "where", "mode", "runs", "start to first read: median",
          "max", "min", "`.fast()` call: median [min–max]",
          "first read: median [min–max]");
      row(out, "this JVM", WITHOUT, without);
      row(out, "this JVM", WITH, with);
      if (freshJvmRuns > 0) {
        row(out, "fresh JVM", WITHOUT, freshWithout);
        row(out, "fresh JVM", WITH, freshWith);
      }
      out.printf("%n## Ratios%n%n");
      ratio(out, "this JVM", without, with);
      if (freshJvmRuns > 0) {
        ratio(out, "fresh JVM", freshWithout, freshWith);
      }
      out.printf("%n<details><summary>Every run (ms: `.fast()` + first read)</summary>%n%n");
      LoadReport.tableHeader(out, "where", "run", WITHOUT, WITH);
      runs(out, "this JVM", without, with);
      runs(out, "fresh JVM", freshWithout, freshWith);
      out.printf("%n</details>%n");
    }
  }

  private static void row(PrintWriter out, String where, String mode, List<Start> starts) {
    Spread total = ms(starts, Start::totalNanos);
    LoadReport.tableRow(out, where, mode, starts.size(), LoadReport.f("%.1f", total.median()),
        LoadReport.f("%.1f", total.max()), LoadReport.f("%.1f", total.min()),
        ms(starts, Start::buildNanos).format("%.1f"),
        ms(starts, Start::firstReadNanos).format("%.1f"));
  }

  private static void ratio(PrintWriter out, String where, List<Start> without,
      List<Start> with) {
    Spread a = ms(without, Start::totalNanos);
    Spread b = ms(with, Start::totalNanos);
    out.printf("- %s: median start to first read %.1f ms without, %.1f ms with the file:"
        + " %.2f× (%.1f ms saved); max %.1f vs %.1f ms (%.2f×).%n", where, a.median(),
        b.median(), a.median() / b.median(), a.median() - b.median(), a.max(), b.max(),
        a.max() / b.max());
  }

  private static void runs(PrintWriter out, String where, List<Start> without,
      List<Start> with) {
    for (int i = 0; i < Math.min(without.size(), with.size()); i++) {
      LoadReport.tableRow(out, where, i + 1, cell(without.get(i)), cell(with.get(i)));
    }
  }

  private static String cell(Start s) {
    return LoadReport.f("%.1f + %.1f", s.buildNanos() / 1e6, s.firstReadNanos() / 1e6);
  }
}
