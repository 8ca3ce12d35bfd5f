package dev.venice.benchmarks;

import dev.venice.benchmarks.LoadDrivers.Call;
import dev.venice.benchmarks.LoadDrivers.Outcome;
import dev.venice.benchmarks.LoadReport.Spread;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.plugin.VenicePlugin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Measures several client modes against one {@link LoadCluster} the way issue 16 asks: every
 * mode's client is built once and kept open, all of them are warmed up together, then the modes
 * take turns in short rounds ({@code A B C, B C A, C A B, ...}: interleaved, and the starting mode
 * rotates so that no mode always follows the same one), so slow drifts of a noisy machine (JIT,
 * GC, neighbours) spread over all modes instead of favouring the one measured last. Each slice
 * (one mode, one round, one driver) records its latency histogram, the client's extra-load meters,
 * the keys the servers read, and the CPU the JVM and the machine used.
 */
public final class LoadRounds implements AutoCloseable {
  /** Keys of first attempts (the shared extra-load budget's base), tag {@code store}. */
  public static final String REQUESTED_KEYS = "venice.client.extra.load.requested.keys";
  /** Extra keys granted to hedges and retries. */
  public static final String GRANTED_KEYS = "venice.client.extra.load.granted.keys";
  /** Extra keys refused by the budget. */
  public static final String REFUSED_KEYS = "venice.client.extra.load.refused.keys";

  /**
   * A client configuration to measure.
   *
   * @param name a short name for tables
   * @param setting how the client is configured, for the report
   * @param plugins the client's plugin configuration
   * @param extraLoadBudget the builder's {@code extraLoadBudget}, or {@code NaN} for its default
   * @param decorator an explicit replica decorator to add, or {@code null}
   */
  public record Mode(String name, String setting, Map<String, String> plugins,
      double extraLoadBudget, Supplier<ReplicaDispatchDecorator> decorator) {
    /** A mode switched on by plugin configuration only. */
    public static Mode of(String name, String setting, Map<String, String> plugins) {
      return new Mode(name, setting, plugins, Double.NaN, null);
    }

    /** This mode with the builder's extra-load budget set. */
    public Mode withExtraLoadBudget(double fraction) {
      return new Mode(name, setting, plugins, fraction, decorator);
    }

    /** This mode with an explicit replica decorator. */
    public Mode withDecorator(Supplier<ReplicaDispatchDecorator> replicaDecorator) {
      return new Mode(name, setting, plugins, extraLoadBudget, replicaDecorator);
    }

    /** The plugin ids this mode switches on. */
    Set<String> pluginIds() {
      Set<String> ids = new TreeSet<>();
      plugins.forEach((key, value) -> {
        if (key.startsWith("plugins.") && key.endsWith(".enabled") && value.equals("true")) {
          ids.add(key.substring("plugins.".length(), key.length() - ".enabled".length()));
        }
      });
      return ids;
    }
  }

  /** How a slice sent its reads. */
  public enum Driver {
    /** Readers that wait for each answer (see {@link LoadDrivers#closedLoop}). */
    CLOSED_LOOP("closed loop"),
    /** A fixed arrival rate (see {@link LoadDrivers#openLoop}). */
    OPEN_LOOP("open loop");

    private final String label;

    Driver(String label) {
      this.label = label;
    }

    /** A label for reports. */
    public String label() {
      return label;
    }
  }

  /**
   * One mode measured once.
   *
   * @param mode the mode
   * @param driver how it was driven
   * @param round the round, from 1 (0: warm-up)
   * @param outcome calls, errors, latency
   * @param keysPerCall keys each call asks for
   * @param requestedKeys the growth of {@link #REQUESTED_KEYS} ({@code NaN}: no such meter)
   * @param grantedKeys the growth of {@link #GRANTED_KEYS} ({@code NaN}: no such meter)
   * @param refusedKeys the growth of {@link #REFUSED_KEYS} ({@code NaN}: no such meter)
   * @param serverKeys keys the servers read meanwhile
   * @param jvmCores CPU the JVM (cluster and driver) used, in cores
   * @param machineBusy the machine's busy fraction (all processes), 0 to 1
   * @param gcPauses garbage collections meanwhile
   * @param gcMillis their time, ms
   * @param hiccupMaxMicros the longest stall a 1 ms sleeper saw meanwhile ({@link
   *     LoadDrivers.Hiccups}), µs
   * @param hiccupsOver5ms stalls of more than 5 ms it saw
   */
  public record Slice(Mode mode, Driver driver, int round, Outcome outcome, int keysPerCall,
      double requestedKeys, double grantedKeys, double refusedKeys, double serverKeys,
      double jvmCores, double machineBusy, long gcPauses, long gcMillis, long hiccupMaxMicros,
      long hiccupsOver5ms) {
    /** Extra keys over requested keys, from the client's budget meters. */
    public double extraFraction() {
      return grantedKeys / requestedKeys;
    }

    /** Keys the servers read per key the callers asked for. */
    public double serverKeysPerKey() {
      return serverKeys / Math.max(1, (outcome.calls() + outcome.errors()) * (double) keysPerCall);
    }
  }

  private record Opened(Mode mode, StoreClient<String, Object> client, MeterRegistry registry) {}

  private final LoadCluster cluster;
  private final Call call;
  private final int keysPerCall;
  private final List<Opened> opened = new ArrayList<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();
  private final Consumer<String> log;

  /**
   * Builds one fast client per mode. A mode whose plugin is not on the class path, or whose
   * client cannot be built, is skipped and named in {@link #skipped()} with the reason.
   *
   * @param keysPerCall keys each {@code call} asks for (1 for a single get)
   * @param log where progress lines go
   */
  public LoadRounds(LoadCluster cluster, List<Mode> modes, Call call, int keysPerCall,
      Consumer<String> log) {
    this.cluster = cluster;
    this.call = call;
    this.keysPerCall = keysPerCall;
    this.log = log;
    Set<String> available = ServiceLoader.load(VenicePlugin.class).stream()
        .map(p -> p.get().descriptor().id()).collect(Collectors.toSet());
    for (Mode mode : modes) {
      Set<String> missing = new TreeSet<>(mode.pluginIds());
      missing.removeAll(available);
      if (!missing.isEmpty()) {
        skip(mode, "plugin " + String.join(", ", missing) + " is not on the class path");
        continue;
      }
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      VeniceClients.Builder builder = VeniceClients.builder(cluster.routerUrl(), cluster.store())
          .pluginConfig(mode.plugins()).meterRegistry(registry);
      if (!Double.isNaN(mode.extraLoadBudget())) {
        builder.extraLoadBudget(mode.extraLoadBudget());
      }
      if (mode.decorator() != null) {
        ReplicaDispatchDecorator decorator = mode.decorator().get();
        if (decorator instanceof LeastLoadedDecorator leastLoaded) {
          FunctionCounter.builder("benchmarks.least.loaded.blocked.skips", leastLoaded,
                  LeastLoadedDecorator::blockedSkips)
              .description("Candidates dropped because their instance had 50 or more pending"
                  + " requests")
              .register(registry);
        }
        builder.decorate(decorator);
      }
      try {
        opened.add(new Opened(mode, builder.fast(), registry));
      } catch (RuntimeException e) {
        skip(mode, "its client could not be built: " + e);
      }
    }
    if (opened.isEmpty()) {
      throw new IllegalStateException("no mode could be measured: " + skipped);
    }
  }

  private void skip(Mode mode, String reason) {
    skipped.put(mode.name(), reason);
    log.accept("SKIPPING mode '" + mode.name() + "': " + reason);
  }

  /** Modes not measured, by name, with the reason. */
  public Map<String, String> skipped() {
    return skipped;
  }

  /** The modes measured, in the order given. */
  public List<Mode> modes() {
    return opened.stream().map(Opened::mode).toList();
  }

  /** The meter registry of a measured mode's client. */
  public MeterRegistry registry(String mode) {
    return opened.stream().filter(o -> o.mode().name().equals(mode)).findFirst()
        .map(Opened::registry).orElseThrow();
  }

  /**
   * Warms up every client (JIT, connections, plugin state) with closed-loop readers, the modes
   * taking turns in slices of about {@code total / (2 × modes)}, for {@code total} in all.
   */
  public void warmUp(Duration total, int threads) throws InterruptedException {
    long slice = Math.max(500, total.toMillis() / (2L * opened.size()));
    long end = System.nanoTime() + total.toNanos();
    int i = 0;
    do {
      Opened o = opened.get(i++ % opened.size());
      LoadDrivers.closedLoop(o.client(), call, threads, Duration.ofMillis(slice));
    } while (System.nanoTime() < end || i < opened.size());
    log.accept("warmed up " + opened.size() + " clients for " + total.toSeconds() + " s");
  }

  /**
   * Runs {@code rounds} rounds of every mode with one driver and returns the slices in the order
   * run. Round {@code r} starts with mode {@code r mod modes}.
   *
   * @param threads closed-loop readers (ignored by the open loop)
   * @param rate open-loop calls per second (ignored by the closed loop)
   */
  public List<Slice> rounds(Driver driver, int rounds, Duration each, int threads, double rate)
      throws Exception {
    List<Slice> slices = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < opened.size(); k++) {
        Opened o = opened.get((r + k) % opened.size());
        Slice s = measure(o, driver, r + 1, each, threads, rate);
        slices.add(s);
        log.accept(LoadReport.f("%s round %d/%d %-28s %8.0f calls/s  p50 %6.2f  p99 %7.2f"
                + "  p99.9 %7.2f ms  extra %5.1f%%  errors %d  cpu %.2f cores  busy %3.0f%%  gc %d ms"
                + "  stalls>5ms %d (max %.0f ms)  lag %.0f  send %.0f ms",
            driver.label(),
            r + 1, rounds, o.mode().name(), s.outcome().throughput(),
            LoadReport.ms(s.outcome().latency(), 50), LoadReport.ms(s.outcome().latency(), 99),
            LoadReport.ms(s.outcome().latency(), 99.9), 100 * s.extraFraction(),
            s.outcome().errors(), s.jvmCores(), 100 * s.machineBusy(), s.gcMillis(),
            s.hiccupsOver5ms(), s.hiccupMaxMicros() / 1e3, s.outcome().maxSendLagMicros() / 1e3,
            s.outcome().maxSendMicros() / 1e3));
      }
    }
    return slices;
  }

  private Slice measure(Opened o, Driver driver, int round, Duration each, int threads,
      double rate) throws Exception {
    double requested = meter(o.registry(), REQUESTED_KEYS);
    double granted = meter(o.registry(), GRANTED_KEYS);
    double refused = meter(o.registry(), REFUSED_KEYS);
    double serverKeys = cluster.serverKeysRead();
    long cpu = LoadReport.processCpuNanos();
    long[] machine = LoadReport.machineJiffies();
    long[] gc = LoadReport.gc();
    LoadDrivers.Hiccups hiccups = new LoadDrivers.Hiccups();
    long start = System.nanoTime();
    Outcome outcome = driver == Driver.CLOSED_LOOP
        ? LoadDrivers.closedLoop(o.client(), call, threads, each)
        : LoadDrivers.openLoop(o.client(), call, rate, each, Duration.ofSeconds(15));
    long elapsed = System.nanoTime() - start;
    long[] stalls = hiccups.stop();
    long cpuUsed = LoadReport.processCpuNanos() - cpu;
    long[] machineAfter = LoadReport.machineJiffies();
    long[] gcAfter = LoadReport.gc();
    double busy = (machineAfter[0] - machine[0])
        / (double) Math.max(1, machineAfter[1] - machine[1]);
    return new Slice(o.mode(), driver, round, outcome, keysPerCall,
        meter(o.registry(), REQUESTED_KEYS) - requested,
        meter(o.registry(), GRANTED_KEYS) - granted,
        meter(o.registry(), REFUSED_KEYS) - refused,
        cluster.serverKeysRead() - serverKeys, cpu < 0 ? Double.NaN : cpuUsed / (double) elapsed,
        busy, gcAfter[0] - gc[0], gcAfter[1] - gc[1], stalls[0], stalls[1]);
  }

  /** The sum of a counter over all its tags, {@code NaN} if the registry has no such meter. */
  public static double meter(MeterRegistry registry, String name) {
    Search search = registry.find(name);
    double total = 0;
    boolean found = false;
    for (Counter c : search.counters()) {
      total += c.count();
      found = true;
    }
    for (FunctionCounter c : registry.find(name).functionCounters()) {
      total += c.count();
      found = true;
    }
    return found ? total : Double.NaN;
  }

  /**
   * One mode's slices of one driver, summarised: the median over rounds of each percentile with
   * its range, and the extra load pooled over the rounds.
   */
  public record Summary(Mode mode, Driver driver, List<Slice> slices) {
    /** A per-round value's median and range. */
    public Spread spread(java.util.function.ToDoubleFunction<Slice> value) {
      return Spread.of(slices.stream().map(s -> value.applyAsDouble(s)).toList());
    }

    /** A latency percentile's median and range over rounds, in ms. */
    public Spread latency(double percentile) {
      return spread(s -> LoadReport.ms(s.outcome().latency(), percentile));
    }

    /** All rounds' latencies in one histogram. */
    public Histogram pooled() {
      Histogram all = new Histogram(3);
      slices.forEach(s -> all.add(s.outcome().latency()));
      return all;
    }

    /** Extra keys granted over keys requested, summed over the rounds ({@code NaN}: unknown). */
    public double extraFraction() {
      double requested = slices.stream().mapToDouble(Slice::requestedKeys).sum();
      double granted = slices.stream().mapToDouble(Slice::grantedKeys).sum();
      return granted / requested;
    }

    /** Keys the servers read per key asked for, over the rounds. */
    public double serverKeysPerKey() {
      double server = slices.stream().mapToDouble(Slice::serverKeys).sum();
      double asked = slices.stream().mapToDouble(s -> (s.outcome().calls() + s.outcome().errors())
          * (double) s.keysPerCall()).sum();
      return server / Math.max(1, asked);
    }

    /** Failed calls over the rounds. */
    public long errors() {
      return slices.stream().mapToLong(s -> s.outcome().errors()).sum();
    }
  }

  /** The slices of {@code driver} grouped by mode, in the order of {@link #modes()}. */
  public List<Summary> summarise(List<Slice> slices, Driver driver) {
    List<Summary> summaries = new ArrayList<>();
    for (Mode mode : modes()) {
      List<Slice> mine = slices.stream()
          .filter(s -> s.driver() == driver && s.mode().name().equals(mode.name())).toList();
      if (!mine.isEmpty()) {
        summaries.add(new Summary(mode, driver, mine));
      }
    }
    return summaries;
  }

  /**
   * Writes one driver's table: per mode, the median over rounds [min–max] of throughput, p50,
   * p99 and p99.9, the pooled p99.9 and max, extra keys, server keys per key, errors and CPU.
   */
  public static void writeTable(PrintWriter out, List<Summary> summaries) {
    LoadReport.tableHeader(out, "mode", "rounds", "calls/s", "p50 (ms)", "p99 (ms)",
        "p99.9 (ms)", "pooled p99 / p99.9 / max (ms)", "extra keys (granted / requested)",
        "server keys per key", "errors", "JVM CPU (cores)", "machine busy",
        "GC pauses (total ms)", "stalls > 5 ms (longest, ms)");
    for (Summary s : summaries) {
      Histogram pooled = s.pooled();
      LoadReport.tableRow(out, s.mode().name(), s.slices().size(),
          s.spread(x -> x.outcome().throughput()).format("%,.0f"), s.latency(50).format("%.2f"),
          s.latency(99).format("%.2f"), s.latency(99.9).format("%.2f"),
          LoadReport.f("%.2f / %.2f / %.1f", LoadReport.ms(pooled, 99),
              LoadReport.ms(pooled, 99.9), pooled.getMaxValue() / 1e3),
          Double.isNaN(s.extraFraction()) ? "n/a (no budget meter)"
              : LoadReport.f("%.2f%% %s", 100 * s.extraFraction(),
                  s.spread(x -> 100 * x.extraFraction()).range("%.1f")),
          LoadReport.f("%.3f", s.serverKeysPerKey()), s.errors(),
          s.spread(Slice::jvmCores).format("%.2f"),
          s.spread(x -> 100 * x.machineBusy()).format("%.0f%%"),
          LoadReport.f("%d (%d)", s.slices().stream().mapToLong(Slice::gcPauses).sum(),
              s.slices().stream().mapToLong(Slice::gcMillis).sum()),
          LoadReport.f("%d (%.0f)", s.slices().stream().mapToLong(Slice::hiccupsOver5ms).sum(),
              s.slices().stream().mapToLong(Slice::hiccupMaxMicros).max().orElse(0) / 1e3));
    }
  }

  /** Writes every slice, in the order run, as a table (the raw data behind the medians). */
  public static void writeSlices(PrintWriter out, List<Slice> slices) {
    LoadReport.tableHeader(out, "driver", "round", "mode", "calls", "errors", "calls/s",
        "p50 (ms)", "p99 (ms)", "p99.9 (ms)", "max (ms)", "requested keys", "extra keys",
        "server keys", "JVM CPU (cores)", "machine busy", "GC pauses (ms)",
        "stalls > 5 ms (longest, ms)", "send lag max (ms)", "longest send (ms)");
    for (Slice s : slices) {
      Outcome o = s.outcome();
      LoadReport.tableRow(out, s.driver().label(), s.round(), s.mode().name(), o.calls(),
          o.errors(), LoadReport.f("%,.0f", o.throughput()),
          LoadReport.f("%.2f", LoadReport.ms(o.latency(), 50)),
          LoadReport.f("%.2f", LoadReport.ms(o.latency(), 99)),
          LoadReport.f("%.2f", LoadReport.ms(o.latency(), 99.9)),
          LoadReport.f("%.1f", o.latency().getMaxValue() / 1e3),
          LoadReport.f("%.0f", s.requestedKeys()), LoadReport.f("%.0f", s.grantedKeys()),
          LoadReport.f("%.0f", s.serverKeys()), LoadReport.f("%.2f", s.jvmCores()),
          LoadReport.f("%.0f%%", 100 * s.machineBusy()),
          LoadReport.f("%d (%d)", s.gcPauses(), s.gcMillis()),
          LoadReport.f("%d (%.1f)", s.hiccupsOver5ms(), s.hiccupMaxMicros() / 1e3),
          s.driver() == Driver.OPEN_LOOP ? LoadReport.f("%.1f", o.maxSendLagMicros() / 1e3)
              : "–",
          s.driver() == Driver.OPEN_LOOP ? LoadReport.f("%.1f", o.maxSendMicros() / 1e3)
              : "–");
    }
  }

  /**
   * Writes every client counter of each mode (whole run: warm-up and both drivers), summed over
   * tags except {@code instance}, which is kept: it shows where each client sent its traffic.
   */
  public void writeCounters(PrintWriter out) {
    LoadReport.tableHeader(out, "mode", "counter", "value");
    for (Opened o : opened) {
      Map<String, Double> counters = new java.util.TreeMap<>();
      for (io.micrometer.core.instrument.Meter meter : o.registry().getMeters()) {
        double value;
        if (meter instanceof Counter c) {
          value = c.count();
        } else if (meter instanceof FunctionCounter c) {
          value = c.count();
        } else {
          continue;
        }
        String instance = meter.getId().getTag("instance");
        String name = meter.getId().getName() + (instance == null ? ""
            : " {instance=" + instance + "}");
        counters.merge(name, value, Double::sum);
      }
      counters.forEach((name, value) -> {
        if (value != 0) {
          LoadReport.tableRow(out, o.mode().name(), "`" + name + "`",
              LoadReport.f("%,.0f", value));
        }
      });
    }
  }

  @Override
  public void close() {
    for (Opened o : opened) {
      o.client().close();
    }
  }
}
