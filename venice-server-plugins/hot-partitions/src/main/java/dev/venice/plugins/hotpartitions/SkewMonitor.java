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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The controller's view of hot partitions: gathers the rates of every server through the cluster
 * view ({@link ClusterView#callPlugin}, {@code GET /plugins/hot-partitions/rates}, bounded
 * parallelism and one result per server), keeps each store's current version, evaluates it with
 * {@link SkewEvaluator}, logs a warning per hot partition and updates the meters, and keeps the
 * latest report per store for {@link HotPartitionsSkewEndpoint}.
 *
 * <p>A server that does not answer (timed out, refused, no plugin there: an HTTP 404, an answer
 * that is not the expected JSON) is named in the report with the reason; the others are
 * evaluated, so its replicas' rates are missing (counted as 0). Thread-safe: evaluations are
 * serialised (the background task and an endpoint refresh never gather at the same time); reports
 * are immutable.
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClusterView cluster;
  private final StoreMetadataService metadata;
  private final Predicate<String> enabled;
  private final StoreSettings<HotPartitionsConfig> settings;
  private final Duration timeout;
  private final TimeSource time;
  private final Logger log;
  private final HotPartitionsMetrics.Controller metrics;
  private final Map<String, Report> latest = new ConcurrentHashMap<>();

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

  /** Evaluates every store with a current version; drops the reports of deleted stores. */
  synchronized List<Report> evaluateAll() throws InterruptedException {
    List<String> stores = metadata.storeNames();
    List<Report> reports = evaluate(stores, "rates");
    latest.keySet().retainAll(stores);
    return reports;
  }

  /**
   * Evaluates one store now.
   *
   * @throws IllegalArgumentException when the store does not exist
   */
  synchronized Report evaluate(String store) throws InterruptedException {
    if (metadata.store(store).isEmpty()) {
      throw new IllegalArgumentException("store " + store + " does not exist");
    }
    return evaluate(List.of(store), "rates?store=" + URLEncoder.encode(store,
        StandardCharsets.UTF_8)).get(0);
  }

  /** The latest report of {@code store}, if it was evaluated. */
  Optional<Report> latest(String store) {
    return Optional.ofNullable(latest.get(store));
  }

  /** The latest report of every store evaluated, by store name. */
  List<Report> latest() {
    return new TreeMap<>(latest).values().stream().toList();
  }

  private List<Report> evaluate(List<String> stores, String path) throws InterruptedException {
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
    Instant now = time.now();
    List<Report> reports = new ArrayList<>();
    for (String store : stores) {
      Optional<StoreInfo> info = metadata.store(store);
      if (info.isEmpty()) {
        continue; // deleted meanwhile
      }
      Report report;
      if (!enabled.test(store)) {
        report = new Report(store, false, null, now, List.of(), Map.of());
      } else {
        HotPartitionsConfig config = settings.get(store);
        int version = info.get().currentVersion();
        SkewEvaluator.Evaluation evaluation = SkewEvaluator.evaluate(store, version,
            Math.max(1, info.get().partitionCount()), rates.getOrDefault(store, Map.of())
                .getOrDefault(version, List.of()), config.skewThreshold(),
            config.minTotalRate());
        report = new Report(store, true, evaluation, now, List.copyOf(answered),
            Map.copyOf(notAnswering));
        metrics.evaluated(evaluation);
        warn(evaluation);
      }
      latest.put(store, report);
      reports.add(report);
    }
    metrics.round(notAnswering.size());
    if (!notAnswering.isEmpty()) {
      log.info("hot-partitions: {} of {} servers did not answer for their rates: {}",
          notAnswering.size(), servers.size(), notAnswering);
    }
    return reports;
  }

  private List<EndpointResult> gather(List<ClusterMember> servers, String path)
      throws InterruptedException {
    if (servers.isEmpty()) {
      return List.of();
    }
    // Each call is bounded by the timeout and at most 8 run at once; this bounds the whole.
    long bound = timeout.toMillis() * (servers.size() / 8 + 2);
    try {
      return cluster.callPlugin(servers, PLUGIN_ID, path, timeout)
          .get(bound, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return servers.stream().map(m -> new EndpointResult(m, 0, "", "no answer within "
          + bound + " ms")).toList();
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

  private void warn(SkewEvaluator.Evaluation e) {
    for (SkewEvaluator.PartitionRate p : e.partitions()) {
      if (p.hot()) {
        log.warn("hot partition detected: store={} version={} partition={} rate={} mean={}"
            + " skew={} threshold={} share={} replicas={}", e.store(), e.version(), p.partition(),
            round(p.rate()), round(e.meanRate()), round(p.rate() / e.meanRate()),
            e.threshold(), round(p.share()), p.replicas());
      }
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
