package dev.venice.plugins.hotpartitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The controller's view of hot partitions: gathers the rates of every server through the cluster
 * view ({@link ClusterView#callPlugin}, {@code GET /plugins/hot-partitions/rates}, the host's
 * bounded parallelism, each call bounded by {@code server-timeout}, one result per server), keeps
 * each store's current version, evaluates it with {@link SkewEvaluator}, logs hot partitions and
 * updates the meters, and keeps the latest report per store for {@link
 * HotPartitionsSkewEndpoint}.
 *
 * <p>A server that does not answer (timed out, refused, no plugin there: an HTTP 404, an answer
 * that is not the expected JSON) is named in the report with the reason. For each store the
 * replica placement ({@link ClusterView#replicaStates}, {@code LEADER} and {@code STANDBY}
 * replicas) tells which partitions have a replica on a server that answered: the mean is taken
 * over those, and when a server holding replicas of the store's version did not answer no
 * partition of the store is judged hot (the evaluation's {@code note} names the servers).
 *
 * <p>Logging: a WARN when a partition becomes hot, then a reminder at most every {@link
 * #REMIND_EVERY} while it stays hot, and an INFO when it no longer is; not one per evaluation.
 *
 * <p>Thread-safe. The gather (the slow part, up to {@code server-timeout} times the rounds of
 * parallel calls) runs without a lock; only publishing the reports, meters and log state takes
 * this monitor's lock, and a report is published only if no later-started evaluation of the store
 * was published first. Evaluations are coalesced: a caller asking while an evaluation of the same
 * scope (every store, or one store) is in flight, or finished less than {@link #REUSE} ago, gets
 * that one's reports instead of asking every server again; a one-store refresh also reuses an
 * every-store evaluation in flight or that recent. Reports are immutable.
 */
final class SkewMonitor {
  /**
   * One store's latest evaluation.
   *
   * @param store the store
   * @param enabled whether the plugin is switched on for it ({@code plugins.hot-partitions.enabled}
   *     in its settings); a store switched off has no evaluation
   * @param evaluation the evaluation, {@code null} when not enabled
   * @param evaluatedAt when (wall clock)
   * @param serversAnswered the servers whose rates were used
   * @param serversNotAnswering the servers that gave none, with why
   */
  record Report(String store, boolean enabled, SkewEvaluator.Evaluation evaluation,
      Instant evaluatedAt, List<String> serversAnswered, Map<String, String> serversNotAnswering) {}

  static final String PLUGIN_ID = "hot-partitions";
  /** How recent an evaluation a refresh reuses instead of asking every server again. */
  static final Duration REUSE = Duration.ofSeconds(1);
  /** The least time between two WARN lines for a partition that stays hot. */
  static final Duration REMIND_EVERY = Duration.ofMinutes(10);
  private static final Set<String> SERVING = Set.of("LEADER", "STANDBY");
  private static final String ALL = "";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One evaluation of a scope: its reports once done, and when it finished (monotonic). */
  private static final class Round {
    final CompletableFuture<List<Report>> reports = new CompletableFuture<>();
    volatile long finishedNanos;
  }

  /** A store's hot partitions as last logged: partition to when it became hot, last warned. */
  private record Hot(Instant since, Instant warned) {}

  private final ClusterView cluster;
  private final StoreMetadataService metadata;
  private final Predicate<String> enabled;
  private final StoreSettings<HotPartitionsConfig> settings;
  private final Duration timeout;
  private final TimeSource time;
  private final Logger log;
  private final HotPartitionsMetrics.Controller metrics;
  private final Map<String, Report> latest = new ConcurrentHashMap<>();
  private final Map<String, Round> rounds = new ConcurrentHashMap<>();
  /** Guarded by {@code this}: the start sequence of each store's published report. */
  private final Map<String, Long> publishedSequence = new HashMap<>();
  /** Guarded by {@code this}: the hot partitions logged, per store. */
  private final Map<String, Map<Integer, Hot>> logged = new HashMap<>();
  private long sequence;

  /**
   * @param enabled whether the plugin is switched on for a store ({@code
   *     context::enabledForStore})
   * @param settings the per-store settings (threshold, noise floor)
   * @param timeout how long each server may take to answer ({@code server-timeout})
   */
  SkewMonitor(ClusterView cluster, StoreMetadataService metadata, Predicate<String> enabled,
      StoreSettings<HotPartitionsConfig> settings, Duration timeout, TimeSource time, Logger log,
      HotPartitionsMetrics.Controller metrics) {
    this.cluster = cluster;
    this.metadata = metadata;
    this.enabled = enabled;
    this.settings = settings;
    this.timeout = timeout;
    this.time = time;
    this.log = log;
    this.metrics = metrics;
  }

  /**
   * Evaluates every store with a current version (or returns the evaluation of every store in
   * flight or finished less than {@link #REUSE} ago); drops the reports and meters of deleted
   * stores.
   */
  List<Report> evaluateAll() throws InterruptedException {
    return coalesce(ALL, () -> {
      List<String> stores = metadata.storeNames();
      List<Report> reports = evaluate(stores, "rates");
      synchronized (this) {
        for (String gone : new ArrayList<>(latest.keySet())) {
          if (!stores.contains(gone) && metadata.store(gone).isEmpty()) {
            drop(gone);
            latest.remove(gone);
            publishedSequence.remove(gone);
            rounds.remove(gone);
          }
        }
      }
      return reports;
    });
  }

  /**
   * Evaluates one store now, or returns an evaluation of it in flight or finished less than
   * {@link #REUSE} ago.
   *
   * @throws IllegalArgumentException when the store does not exist
   */
  Report evaluate(String store) throws InterruptedException {
    if (metadata.store(store).isEmpty()) {
      throw new IllegalArgumentException("store " + store + " does not exist");
    }
    Round all = rounds.get(ALL);
    if (all != null && reusable(all)) {
      Optional<Report> shared = await(all).flatMap(reports -> reports.stream()
          .filter(r -> r.store().equals(store)).findFirst());
      if (shared.isPresent()) {
        return shared.get();
      }
    }
    List<Report> reports = coalesce(store, () -> evaluate(List.of(store), "rates?store="
        + URLEncoder.encode(store, StandardCharsets.UTF_8)));
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("store " + store + " does not exist");
    }
    return reports.get(0);
  }

  /** The latest report of {@code store}, if it was evaluated. */
  Optional<Report> latest(String store) {
    return Optional.ofNullable(latest.get(store));
  }

  /** The latest report of every store evaluated, by store name. */
  List<Report> latest() {
    return new TreeMap<>(latest).values().stream().toList();
  }

  private interface Work {
    List<Report> run() throws InterruptedException;
  }

  private boolean reusable(Round round) {
    if (!round.reports.isDone()) {
      return true;
    }
    return !round.reports.isCompletedExceptionally()
        && time.nanoTime() - round.finishedNanos < REUSE.toNanos();
  }

  /** The round's reports, or empty if it failed. */
  private static Optional<List<Report>> await(Round round) throws InterruptedException {
    try {
      return Optional.of(round.reports.get());
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }

  private List<Report> coalesce(String scope, Work work) throws InterruptedException {
    while (true) {
      Round current = rounds.get(scope);
      if (current != null && reusable(current)) {
        Optional<List<Report>> reports = await(current);
        if (reports.isPresent()) {
          return reports.get();
        }
        continue; // that one failed: run our own
      }
      Round mine = new Round();
      boolean won = current == null ? rounds.putIfAbsent(scope, mine) == null
          : rounds.replace(scope, current, mine);
      if (!won) {
        continue;
      }
      try {
        List<Report> reports = work.run();
        mine.finishedNanos = time.nanoTime();
        mine.reports.complete(reports);
        return reports;
      } catch (InterruptedException | RuntimeException | Error e) {
        mine.reports.completeExceptionally(e);
        throw e;
      }
    }
  }

  private List<Report> evaluate(List<String> stores, String path) throws InterruptedException {
    long started;
    synchronized (this) {
      started = ++sequence;
    }
    List<ClusterMember> servers = cluster.members(ProcessKind.SERVER);
    Map<String, String> notAnswering = new TreeMap<>();
    List<String> answered = new ArrayList<>();
    // store -> version -> replica rates
    Map<String, Map<Integer, List<SkewEvaluator.ReplicaRate>>> rates = new HashMap<>();
    boolean anyEnabled = stores.stream().anyMatch(enabled);
    for (EndpointResult result : anyEnabled ? gather(servers, path) : List.<EndpointResult>of()) {
      String instance = result.member().instanceId();
      String failure = failure(result);
      JsonNode body = null;
      if (failure == null) {
        try {
          body = JSON.readTree(result.body());
          if (!body.path("partitions").isArray()) {
            failure = "answered without a partitions list";
          }
        } catch (IOException e) {
          failure = "answered with a body that is not JSON";
        }
      }
      if (failure != null) {
        notAnswering.put(instance, failure);
        continue;
      }
      answered.add(instance);
      double window = body.path("windowSeconds").asDouble(1);
      for (JsonNode p : body.path("partitions")) {
        rates.computeIfAbsent(p.path("store").asText(), s -> new HashMap<>())
            .computeIfAbsent(p.path("version").asInt(), v -> new ArrayList<>())
            .add(new SkewEvaluator.ReplicaRate(instance, p.path("partition").asInt(),
                p.path("rate").asDouble(), p.path("error").asDouble() / window));
      }
    }
    List<Report> reports = new ArrayList<>();
    for (String store : stores) {
      Optional<StoreInfo> info = metadata.store(store);
      if (info.isEmpty()) {
        continue; // deleted meanwhile
      }
      Instant now = time.now();
      if (!enabled.test(store)) {
        reports.add(new Report(store, false, null, now, List.of(), Map.of()));
        continue;
      }
      HotPartitionsConfig config = settings.get(store);
      int version = info.get().currentVersion();
      SkewEvaluator.Evaluation evaluation = SkewEvaluator.evaluate(store, version,
          Math.max(1, info.get().partitionCount()), rates.getOrDefault(store, Map.of())
              .getOrDefault(version, List.of()), config.skewThreshold(), config.minTotalRate(),
          coverage(store, version, answered, notAnswering));
      reports.add(new Report(store, true, evaluation, now, List.copyOf(answered),
          Map.copyOf(notAnswering)));
    }
    publish(started, reports, notAnswering.size());
    if (!notAnswering.isEmpty()) {
      log.info("hot-partitions: {} of {} servers did not answer for their rates: {}",
          notAnswering.size(), servers.size(), notAnswering);
    }
    return List.copyOf(reports);
  }

  /** Which partitions of the version have a serving replica on a server that answered. */
  private SkewEvaluator.Coverage coverage(String store, int version, List<String> answered,
      Map<String, String> notAnswering) {
    Map<Integer, Map<String, String>> states = cluster.replicaStates(store, version);
    if (states.isEmpty()) {
      return notAnswering.isEmpty() ? SkewEvaluator.Coverage.ALL : new SkewEvaluator.Coverage(
          null, "servers did not answer (" + String.join(", ", notAnswering.keySet())
              + ") and the replica placement of version " + version + " is unknown, so no"
              + " partition is judged hot");
    }
    Set<String> answering = new HashSet<>(answered);
    Set<Integer> counted = new HashSet<>();
    Set<String> silentHolders = new TreeSet<>();
    Set<Integer> silentPartitions = new TreeSet<>();
    states.forEach((partition, replicas) -> replicas.forEach((instance, state) -> {
      if (!SERVING.contains(state)) {
        return;
      }
      if (answering.contains(instance)) {
        counted.add(partition);
      } else if (notAnswering.containsKey(instance)) {
        silentHolders.add(instance);
        silentPartitions.add(partition);
      }
    }));
    String missing = silentHolders.isEmpty() ? null : "servers holding replicas of partitions "
        + silentPartitions + " did not answer (" + String.join(", ", silentHolders) + "): their"
        + " lookups are unknown, so no partition is judged hot; the mean is over the "
        + counted.size() + " partitions with a replica on a server that answered";
    return new SkewEvaluator.Coverage(counted, missing);
  }

  /** Publishes the reports, meters and log lines of one evaluation, unless a later one was. */
  private synchronized void publish(long started, List<Report> reports, int notAnswering) {
    for (Report report : reports) {
      String store = report.store();
      if (publishedSequence.getOrDefault(store, 0L) > started) {
        continue; // a later-started evaluation of this store was published first
      }
      publishedSequence.put(store, started);
      latest.put(store, report);
      if (report.evaluation() == null) {
        drop(store);
      } else {
        metrics.evaluated(report.evaluation());
        logHot(report.evaluation(), report.evaluatedAt());
      }
    }
    metrics.round(notAnswering);
  }

  /** Forgets a store switched off or deleted: its meters and log state. Under the lock. */
  private void drop(String store) {
    metrics.drop(store);
    logged.remove(store);
  }

  /**
   * Gathers every server's answer. No outer timeout: the cluster view bounds each call by {@code
   * timeout} and runs them at its own parallelism, and its future never fails.
   */
  private List<EndpointResult> gather(List<ClusterMember> servers, String path)
      throws InterruptedException {
    if (servers.isEmpty()) {
      return List.of();
    }
    try {
      return cluster.callPlugin(servers, PLUGIN_ID, path, timeout).get();
    } catch (ExecutionException e) {
      // not expected (the future never fails): every server without an answer, with why
      return servers.stream().map(m -> new EndpointResult(m, 0, "", "the cluster view failed: "
          + e.getCause())).toList();
    }
  }

  private static String failure(EndpointResult result) {
    if (result.error() != null) {
      return result.error();
    }
    if (result.ok()) {
      return null;
    }
    if (result.status() == 404) {
      return "HTTP 404: the hot-partitions plugin is not running there";
    }
    String reason = "";
    try {
      reason = JSON.readTree(result.body()).path("error").asText("");
    } catch (IOException e) {
      // not JSON: the status says enough
    }
    return "HTTP " + result.status() + (reason.isEmpty() ? "" : ": " + reason);
  }

  /** Logs the partitions that became hot, reminders, and those no longer hot. Under the lock. */
  private void logHot(SkewEvaluator.Evaluation e, Instant now) {
    Map<Integer, Hot> before = logged.getOrDefault(e.store(), Map.of());
    Map<Integer, Hot> after = new HashMap<>();
    for (SkewEvaluator.PartitionRate p : e.partitions()) {
      if (!p.hot()) {
        continue;
      }
      Hot was = before.get(p.partition());
      if (was == null) {
        after.put(p.partition(), new Hot(now, now));
        log.warn("hot partition detected: store={} version={} partition={} rate={} mean={}"
            + " skew={} threshold={} share={} replicas={}", e.store(), e.version(),
            p.partition(), round(p.rate()), round(e.meanRate()), round(p.rate() / e.meanRate()),
            e.threshold(), round(p.share()), p.replicas());
      } else if (!now.isBefore(was.warned().plus(REMIND_EVERY))) {
        after.put(p.partition(), new Hot(was.since(), now));
        log.warn("hot partition still hot: store={} version={} partition={} since={} rate={}"
            + " mean={} skew={} threshold={} share={} replicas={}", e.store(), e.version(),
            p.partition(), was.since(), round(p.rate()), round(e.meanRate()),
            round(p.rate() / e.meanRate()), e.threshold(), round(p.share()), p.replicas());
      } else {
        after.put(p.partition(), was);
      }
    }
    for (Map.Entry<Integer, Hot> was : before.entrySet()) {
      if (!after.containsKey(was.getKey())) {
        log.info("hot partition no longer hot: store={} partition={} hot since={} skew={}{}",
            e.store(), was.getKey(), was.getValue().since(), round(e.skew()),
            e.note() == null ? "" : " (" + e.note() + ")");
      }
    }
    if (after.isEmpty()) {
      logged.remove(e.store());
    } else {
      logged.put(e.store(), after);
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
