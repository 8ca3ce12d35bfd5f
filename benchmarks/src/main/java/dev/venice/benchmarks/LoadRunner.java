package dev.venice.benchmarks;

import dev.venice.benchmarks.LoadDrivers.Call;
import dev.venice.benchmarks.LoadReport.Spread;
import dev.venice.benchmarks.LoadRounds.Driver;
import dev.venice.benchmarks.LoadRounds.Mode;
import dev.venice.benchmarks.LoadRounds.Slice;
import dev.venice.benchmarks.LoadRounds.Summary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The load benchmarks of issue 16 (item 5): a local cluster of 3 servers (replication 3) and one
 * router in this JVM, read through fast clients, one per mode, measured in interleaved rounds by a
 * closed-loop and an open-loop driver (see {@link LoadRounds} and {@link LoadDrivers}); each
 * scenario writes a Markdown report with the ratios and the goals met or missed. Scenarios are
 * subcommands: {@code slow-replica}, {@code degraded-replica}, {@code cold-start} (see {@link
 * ColdStart}). Not run in CI; see benchmarks/README.md for the commands.
 */
@Command(name = "load-runner", mixinStandardHelpOptions = true,
    description = "Load benchmarks on a local cluster; one report per scenario.",
    subcommands = {LoadRunner.SlowReplica.class, LoadRunner.DegradedReplica.class,
        ColdStart.class})
public final class LoadRunner implements Callable<Integer> {
  static final String STORE = "bench";
  static final String HEALTHY = "healthy";
  static final String FAULT = "fault-replica-latency";

  /** Runs the load runner. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadRunner()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 2;
  }

  static String payload(int i) {
    return "value of k" + i + " " + "x".repeat(90);
  }

  static void log(String line) {
    System.out.println(line);
  }

  /** The cluster and rounds options every load scenario shares. */
  static final class RoundOptions {
    @Option(names = "--records", defaultValue = "10000", description = "Keys pushed.")
    int records;
    @Option(names = "--partitions", defaultValue = "3", description = "Store partitions.")
    int partitions;
    @Option(names = "--threads", defaultValue = "2",
        description = "Closed-loop reader threads.")
    int threads;
    @Option(names = "--warm-up-seconds", defaultValue = "20",
        description = "Warm-up of all modes together before anything is measured.")
    int warmUpSeconds;
    @Option(names = "--rounds", defaultValue = "6", description = "Rounds per driver.")
    int rounds;
    @Option(names = "--round-seconds", defaultValue = "5",
        description = "Seconds each mode is measured per round and driver.")
    int roundSeconds;
    @Option(names = "--drivers", defaultValue = "closed,open", split = ",",
        description = "closed (closed-loop readers), open (fixed arrival rate), or both.")
    List<String> drivers;
    @Option(names = "--open-loop-load", defaultValue = "0.5",
        description = "Open-loop rate as a fraction of the healthy mode's closed-loop"
            + " throughput (median over the closed-loop rounds, or a short calibration).")
    double openLoopLoad;
    @Option(names = "--open-loop-rate", defaultValue = "0",
        description = "A fixed open-loop rate in calls/s instead (0: calibrate).")
    double openLoopRate;
    @Option(names = "--batch-keys", defaultValue = "1",
        description = "1: single gets; n > 1: batch gets of n distinct random keys.")
    int batchKeys;
    @Option(names = "--modes", split = ",",
        description = "Only these modes (names as in the report; default: all).")
    List<String> only;
    @Option(names = "--report", required = true, description = "Markdown report to write.")
    Path report;

    Call call() {
      if (batchKeys <= 1) {
        return client -> client.get("k" + ThreadLocalRandom.current().nextInt(records));
      }
      return client -> {
        Set<String> keys = new LinkedHashSet<>();
        while (keys.size() < batchKeys) {
          keys.add("k" + ThreadLocalRandom.current().nextInt(records));
        }
        return client.batchGet(keys);
      };
    }

    String reads() {
      return batchKeys <= 1 ? "single gets of a uniformly random key"
          : "batch gets of " + batchKeys + " distinct uniformly random keys";
    }
  }

  /**
   * A goal checked in a report.
   *
   * @param goal what is checked, e.g. {@code p99 / healthy p99}
   * @param driver the driver it was measured with
   * @param measured the value, formatted, with its per-round range
   * @param target the target, formatted
   * @param met whether the median meets it; {@code null} for a reference row with no target
   */
  record Goal(String mode, String goal, Driver driver, String measured, String target,
      Boolean met) {}

  /** What a scenario adds to the shared run: modes, goals, its own set-up text. */
  abstract static class Scenario implements Callable<Integer> {
    @Mixin
    RoundOptions options;

    abstract String title();

    abstract List<Mode> modes(LoadCluster cluster);

    /** The set-up sentences of this scenario (the fault, the modes' settings). */
    abstract String setUp(LoadCluster cluster);

    abstract List<Goal> goals(Map<Driver, List<Summary>> byDriver);

    @Override
    public Integer call() throws Exception {
      String command = LoadReport.command();
      long started = System.nanoTime();
      try (LoadCluster cluster = LoadCluster.start(3, STORE, options.partitions, 3,
          options.records, LoadRunner::payload)) {
        log("cluster up, store pushed in " + (System.nanoTime() - started) / 1_000_000_000
            + " s");
        List<Mode> modes = modes(cluster).stream()
            .filter(m -> options.only == null || options.only.contains(m.name())).toList();
        try (LoadRounds rounds = new LoadRounds(cluster, modes, options.call(),
            Math.max(1, options.batchKeys), LoadRunner::log)) {
          rounds.warmUp(Duration.ofSeconds(options.warmUpSeconds), options.threads);
          List<Slice> slices = new ArrayList<>();
          Map<Driver, List<Summary>> byDriver = new java.util.EnumMap<>(Driver.class);
          Duration each = Duration.ofSeconds(options.roundSeconds);
          double rate = options.openLoopRate;
          String rateSource = "set with --open-loop-rate";
          if (options.drivers.contains("closed")) {
            slices.addAll(rounds.rounds(Driver.CLOSED_LOOP, options.rounds, each,
                options.threads, 0));
            byDriver.put(Driver.CLOSED_LOOP, rounds.summarise(slices, Driver.CLOSED_LOOP));
          }
          if (options.drivers.contains("open")) {
            if (rate <= 0) {
              Optional<Summary> healthy = Optional.ofNullable(byDriver.get(Driver.CLOSED_LOOP))
                  .flatMap(l -> l.stream().filter(s -> s.mode().name().equals(HEALTHY))
                      .findFirst());
              double closed;
              if (healthy.isPresent()) {
                closed = healthy.get().spread(s -> s.outcome().throughput()).median();
                rateSource = LoadReport.f("%.0f%% of the healthy mode's closed-loop throughput"
                    + " (median over its rounds: %,.0f calls/s)", 100 * options.openLoopLoad,
                    closed);
              } else {
                List<Slice> calibration = rounds.rounds(Driver.CLOSED_LOOP, 1, each,
                    options.threads, 0);
                closed = calibration.stream().filter(s -> s.mode().name().equals(HEALTHY))
                    .findFirst().orElse(calibration.get(0)).outcome().throughput();
                rateSource = LoadReport.f("%.0f%% of the healthy mode's closed-loop throughput"
                    + " in a %d s calibration (%,.0f calls/s)", 100 * options.openLoopLoad,
                    options.roundSeconds, closed);
              }
              rate = options.openLoopLoad * closed;
            }
            log(LoadReport.f("open loop at %,.0f calls/s: %s", rate, rateSource));
            slices.addAll(rounds.rounds(Driver.OPEN_LOOP, options.rounds, each, 0, rate));
            byDriver.put(Driver.OPEN_LOOP, rounds.summarise(slices, Driver.OPEN_LOOP));
          }
          write(command, cluster, rounds, slices, byDriver, rate, rateSource);
        }
      }
      log("report written to " + options.report);
      return 0;
    }

    private void write(String command, LoadCluster cluster, LoadRounds rounds,
        List<Slice> slices, Map<Driver, List<Summary>> byDriver, double rate, String rateSource)
        throws Exception {
      try (PrintWriter out = LoadReport.open(options.report)) {
        out.printf("# %s — %s%n%n", title(), LocalDate.now());
        out.printf("Machine: %s.%n%n", LoadReport.machine());
        out.printf("Command: `%s`%n%n", command);
        out.printf("Code: `%s` (`git describe --always --dirty` of the working tree when the run started).%n%n",
            LoadReport.codeVersion());
        out.printf("## Set-up%n%n");
        out.printf("- **Cluster**: a local cluster in the same JVM as the driver and the clients"
            + " (embedded ZooKeeper, KRaft Kafka, 1 controller, 3 storage servers, 1 router, all"
            + " on loopback with real gRPC): everything shares the machine's %d cores, so the"
            + " JVM CPU column is the whole system's load. Store `%s`: %d partitions,"
            + " replication factor 3 (every partition on all three servers), %,d keys of ~100"
            + " bytes, pushed by the push job.%n", Runtime.getRuntime().availableProcessors(),
            cluster.store(), cluster.partitions(), cluster.records());
        out.printf("- **Reads**: %s, each mode through its own fast client (built once, kept"
            + " open for the whole run, its own meter registry).%n", options.reads());
        out.printf("- %s%n", setUp(cluster));
        out.printf("- **Method**: %d s warm-up of all clients together (closed loop, modes"
            + " taking turns), then %d rounds per driver; in each round every mode is measured"
            + " for %d s, the modes interleaved and the starting mode rotated each round"
            + " (A B C, B C A, ...). Per mode: the **median over rounds** of each percentile,"
            + " with the range [min–max] over rounds; pooled percentiles (all rounds in one"
            + " histogram) beside them.%n", options.warmUpSeconds, options.rounds,
            options.roundSeconds);
        out.printf("- **Drivers**: *closed loop*, %d reader threads each waiting for its"
            + " answer (a slow call hides the calls its reader did not send: coordinated"
            + " omission); *open loop*, a fixed arrival rate of **%,.0f calls/s** (%s), latency"
            + " measured from each call's scheduled send time (HdrHistogram), so a stall is"
            + " charged to every call it delays.%n", options.threads, rate, rateSource);
        out.printf("- **Extra load** is in keys, from the client's shared budget meters:"
            + " `%s` over `%s` (first attempts' keys), summed over the rounds [range over"
            + " rounds]. *Server keys per key*: keys the three servers read"
            + " (`venice_server_read_keys_total`) per key the callers asked for — a hedge or"
            + " retry cancelled before it reached a server does not count there.%n%n",
            LoadRounds.GRANTED_KEYS, LoadRounds.REQUESTED_KEYS);
        if (!rounds.skipped().isEmpty()) {
          out.printf("**Modes not measured:**%n%n");
          rounds.skipped().forEach((mode, why) -> out.printf("- `%s`: %s%n", mode, why));
          out.println();
        }
        out.printf("## Modes%n%n");
        LoadReport.tableHeader(out, "mode", "client configuration");
        for (Mode mode : rounds.modes()) {
          LoadReport.tableRow(out, mode.name(), mode.setting());
        }
        out.println();
        for (Map.Entry<Driver, List<Summary>> e : byDriver.entrySet()) {
          out.printf("## Results: %s%n%n", e.getKey().label());
          LoadRounds.writeTable(out, e.getValue());
          out.println();
        }
        out.printf("## Goals%n%n");
        LoadReport.tableHeader(out, "mode", "goal", "driver", "measured: median [per-round"
            + " range]", "target", "result");
        for (Goal g : goals(byDriver)) {
          LoadReport.tableRow(out, g.mode(), g.goal(), g.driver().label(), g.measured(),
              g.target(), g.met() == null ? "–" : g.met() ? "**met**" : "**missed**");
        }
        out.printf("%nRatios are of the medians over rounds; the range in brackets is the same"
            + " ratio computed round by round (the modes of one round ran within seconds of"
            + " each other).%n%n");
        out.printf("<details><summary>Client counters per mode (whole run: warm-up and both"
            + " drivers)</summary>%n%n");
        rounds.writeCounters(out);
        out.printf("%n</details>%n%n");
        out.printf("<details><summary>Every slice, in the order run</summary>%n%n");
        LoadRounds.writeSlices(out, slices);
        out.printf("%n</details>%n");
      }
    }
  }

  /** The median and per-round range of {@code mode}'s value over {@code base}'s. */
  static Spread ratio(Summary mode, Summary base, ToDoubleFunction<Slice> value) {
    double median = mode.spread(value).median() / base.spread(value).median();
    List<Double> perRound = new ArrayList<>();
    for (Slice s : mode.slices()) {
      base.slices().stream().filter(b -> b.round() == s.round()).findFirst()
          .ifPresent(b -> perRound.add(value.applyAsDouble(s) / value.applyAsDouble(b)));
    }
    Spread rounds = Spread.of(perRound);
    return new Spread(median, rounds.min(), rounds.max());
  }

  static Optional<Summary> find(List<Summary> summaries, String mode) {
    return summaries.stream().filter(s -> s.mode().name().equals(mode)).findFirst();
  }

  static double p99(Slice s) {
    return LoadReport.ms(s.outcome().latency(), 99);
  }

  static Map<String, String> fault(Map<String, String> settings) {
    Map<String, String> config = new HashMap<>();
    config.put("plugins." + FAULT + ".enabled", "true");
    settings.forEach((k, v) -> config.put("plugins." + FAULT + "." + k, v));
    return config;
  }

  static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> config = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      config.put(keyValues[i], keyValues[i + 1]);
    }
    return config;
  }

  /** One of three replicas answers a fraction of its calls late. */
  @Command(name = "slow-replica", mixinStandardHelpOptions = true,
      description = "One replica answers a fraction of its calls late: nothing, long-tail"
          + " retry, hedging (fixed, percentile), hedging + adaptive routing, healthy floor.")
  static final class SlowReplica extends Scenario {
    @Option(names = "--slow-delay", defaultValue = "50ms", description = "The late answers'"
        + " delay.")
    String slowDelay;
    @Option(names = "--slow-probability", defaultValue = "0.05",
        description = "Fraction of the slow replica's calls that are late.")
    double slowProbability;
    @Option(names = "--retry-threshold", defaultValue = "1ms",
        description = "long-tail-retry threshold-for-single-get.")
    String retryThreshold;
    @Option(names = "--retry-budget", defaultValue = "0.10",
        description = "Shared extra-load budget of the long-tail-retry mode.")
    double retryBudget;
    @Option(names = "--hedge-delay", defaultValue = "2ms", description = "FIXED hedging delay.")
    String hedgeDelay;
    @Option(names = "--hedge-percentile", defaultValue = "95",
        description = "PERCENTILE hedging percentile.")
    double hedgePercentile;
    @Option(names = "--hedge-budget", defaultValue = "0.05",
        description = "Shared extra-load budget of the hedging modes.")
    double hedgeBudget;
    @Option(names = "--max-extra", defaultValue = "0.05",
        description = "Goal: at most this extra key load.")
    double maxExtra;

    static final String NOTHING = "nothing";
    static final String RETRY = "long-tail retry";
    static final String FIXED = "hedging FIXED";
    static final String PERCENTILE = "hedging PERCENTILE";
    static final String ADAPTIVE = "hedging + adaptive";

    @Override
    String title() {
      return "Slow replica: long-tail retry, hedging and adaptive routing";
    }

    @Override
    List<Mode> modes(LoadCluster cluster) {
      Map<String, String> fault = fault(Map.of("replica", slowReplica(cluster),
          "delay", slowDelay, "probability", Double.toString(slowProbability)));
      String faultText = "`fault-replica-latency` (replica " + slowReplica(cluster) + ", delay "
          + slowDelay + ", probability " + slowProbability + ")";
      Map<String, String> hedgingFixed = with(fault, "plugins.hedging.enabled", "true",
          "plugins.hedging.mode", "FIXED", "plugins.hedging.delay", hedgeDelay);
      return List.of(
          Mode.of(HEALTHY, "no fault, no plugin (the floor)", Map.of()),
          Mode.of(NOTHING, faultText + "; no plugin", fault),
          Mode.of(RETRY, faultText + "; `long-tail-retry` threshold-for-single-get "
                  + retryThreshold + " (batch: its default thresholds); extraLoadBudget "
                  + retryBudget, with(fault, "plugins.long-tail-retry.enabled", "true",
                      "plugins.long-tail-retry.threshold-for-single-get", retryThreshold))
              .withExtraLoadBudget(retryBudget),
          Mode.of(FIXED, faultText + "; `hedging` mode FIXED, delay " + hedgeDelay
              + "; extraLoadBudget " + hedgeBudget, hedgingFixed)
              .withExtraLoadBudget(hedgeBudget),
          Mode.of(PERCENTILE, faultText + "; `hedging` mode PERCENTILE, percentile "
                  + hedgePercentile + " (min-delay: its default); extraLoadBudget "
                  + hedgeBudget, with(fault, "plugins.hedging.enabled", "true",
                      "plugins.hedging.mode", "PERCENTILE", "plugins.hedging.percentile",
                      Double.toString(hedgePercentile)))
              .withExtraLoadBudget(hedgeBudget),
          Mode.of(ADAPTIVE, faultText + "; `hedging` FIXED " + hedgeDelay
                  + " and `adaptive-routing` (its defaults); extraLoadBudget " + hedgeBudget,
                  with(hedgingFixed, "plugins.adaptive-routing.enabled", "true"))
              .withExtraLoadBudget(hedgeBudget));
    }

    private static String slowReplica(LoadCluster cluster) {
      return cluster.servers().get(0).instanceId();
    }

    @Override
    String setUp(LoadCluster cluster) {
      return LoadReport.f("**Fault**: one of the three replicas (%s) answers %.0f%% of the"
          + " client's calls %s late (the `fault-replica-latency` client plugin delays the call"
          + " before it is sent; a hedge or retry that wins cancels it). Every mode but"
          + " `healthy` has the fault.", slowReplica(cluster), 100 * slowProbability,
          slowDelay);
    }

    @Override
    List<Goal> goals(Map<Driver, List<Summary>> byDriver) {
      List<Goal> goals = new ArrayList<>();
      for (Map.Entry<Driver, List<Summary>> e : byDriver.entrySet()) {
        List<Summary> s = e.getValue();
        Optional<Summary> healthy = find(s, HEALTHY);
        Optional<Summary> retry = find(s, RETRY);
        for (String mode : List.of(NOTHING, RETRY, FIXED, PERCENTILE, ADAPTIVE)) {
          Optional<Summary> m = find(s, mode);
          if (m.isEmpty()) {
            continue;
          }
          boolean candidate = !mode.equals(NOTHING) && !mode.equals(RETRY);
          if (healthy.isPresent()) {
            Spread r = ratio(m.get(), healthy.get(), LoadRunner::p99);
            goals.add(new Goal(mode, "p99 / healthy p99", e.getKey(),
                r.format("%.2f×"), candidate ? "≤ 1.5×" : "(reference)",
                candidate ? r.median() <= 1.5 : null));
          }
          double extra = m.get().extraFraction();
          if (!mode.equals(NOTHING)) {
            goals.add(new Goal(mode, "extra keys / requested keys", e.getKey(),
                Double.isNaN(extra) ? "n/a" : LoadReport.f("%.2f%% %s", 100 * extra,
                    m.get().spread(x -> 100 * x.extraFraction()).range("%.1f%%")),
                candidate ? LoadReport.f("≤ %.0f%%", 100 * maxExtra) : "(reference)",
                candidate ? extra <= maxExtra : null));
          }
          if (candidate && retry.isPresent()) {
            Spread r = ratio(m.get(), retry.get(), LoadRunner::p99);
            goals.add(new Goal(mode, "p99 / long-tail-retry p99", e.getKey(),
                r.format("%.2f×"), "≤ 0.8×", r.median() <= 0.8));
          }
        }
      }
      return goals;
    }
  }

  /** One of three replicas is several times slower on every call. */
  @Command(name = "degraded-replica", mixinStandardHelpOptions = true,
      description = "One replica N× slower on every call: round robin, Venice-style"
          + " least-loaded (our re-implementation), adaptive routing, healthy floor.")
  static final class DegradedReplica extends Scenario {
    @Option(names = "--slowdown-factor", defaultValue = "5",
        description = "How many times slower the degraded replica is.")
    double slowdown;

    static final String ROUND_ROBIN = "round robin";
    static final String LEAST_LOADED = "Venice-style least-loaded";
    static final String ADAPTIVE = "adaptive";

    @Override
    String title() {
      return "Degraded replica: round robin, Venice-style least-loaded, adaptive routing";
    }

    private static String degraded(LoadCluster cluster) {
      return cluster.servers().get(0).instanceId();
    }

    @Override
    List<Mode> modes(LoadCluster cluster) {
      Map<String, String> fault = fault(Map.of("replica", degraded(cluster),
          "slowdown-factor", Double.toString(slowdown)));
      String faultText = "`fault-replica-latency` (replica " + degraded(cluster)
          + ", slowdown-factor " + slowdown + ")";
      return List.of(
          Mode.of(HEALTHY, "no fault, no plugin: round robin over 3 healthy replicas (the"
              + " floor)", Map.of()),
          Mode.of(ROUND_ROBIN, faultText + "; no plugin: the fast client's own round robin"
              + " over ready replicas", fault),
          Mode.of(LEAST_LOADED, faultText + "; `LeastLoadedDecorator` (benchmarks module):"
              + " **our re-implementation** of Venice's fast-client LEAST_LOADED routing —"
              + " fewest pending requests first, instances with ≥ 50 pending blocked", fault)
              .withDecorator(LeastLoadedDecorator::new),
          Mode.of(ADAPTIVE, faultText + "; `adaptive-routing` (its defaults)",
              with(fault, "plugins.adaptive-routing.enabled", "true")));
    }

    @Override
    String setUp(LoadCluster cluster) {
      return LoadReport.f("**Fault**: one of the three replicas (%s) is %.0f× slower on every"
          + " call: the `fault-replica-latency` client plugin (slowdown-factor %.0f) holds each"
          + " of its answers for %.0f× the call's own measured time. Every mode but `healthy`"
          + " has the fault.", degraded(cluster), slowdown, slowdown, slowdown - 1);
    }

    @Override
    List<Goal> goals(Map<Driver, List<Summary>> byDriver) {
      List<Goal> goals = new ArrayList<>();
      for (Map.Entry<Driver, List<Summary>> e : byDriver.entrySet()) {
        List<Summary> s = e.getValue();
        Optional<Summary> healthy = find(s, HEALTHY);
        Optional<Summary> adaptive = find(s, ADAPTIVE);
        for (String mode : List.of(ROUND_ROBIN, LEAST_LOADED, ADAPTIVE)) {
          Optional<Summary> m = find(s, mode);
          if (m.isPresent() && healthy.isPresent()) {
            Spread r = ratio(m.get(), healthy.get(), LoadRunner::p99);
            boolean goal = mode.equals(ADAPTIVE);
            goals.add(new Goal(mode, "p99 / healthy p99", e.getKey(), r.format("%.2f×"),
                goal ? "≤ 1.2×" : "(reference)", goal ? r.median() <= 1.2 : null));
          }
        }
        for (String other : List.of(ROUND_ROBIN, LEAST_LOADED)) {
          Optional<Summary> m = find(s, other);
          if (m.isPresent() && adaptive.isPresent()) {
            Spread r = ratio(m.get(), adaptive.get(), LoadRunner::p99);
            boolean goal = other.equals(ROUND_ROBIN);
            goals.add(new Goal(ADAPTIVE, other + " p99 / adaptive p99", e.getKey(),
                r.format("%.2f×"), goal ? "≥ 3×" : "(reference)", goal ? r.median() >= 3 : null));
          }
        }
      }
      return goals;
    }
  }
}
