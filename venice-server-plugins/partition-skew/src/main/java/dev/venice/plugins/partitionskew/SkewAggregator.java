package dev.venice.plugins.partitionskew;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.TimeSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Controllers: gathers a store version's per-partition numbers from every live server through the
 * SPI's cluster view ({@link ClusterView#callPlugin}: bounded parallelism, a timeout per server, a
 * result per server), picks one replica per partition with {@link ReplicaChoice} (the Helix leader
 * when it answered, else the replica with the most records) and computes the {@link
 * SkewStatistics} of records and of bytes over the partitions that have a chosen replica.
 *
 * <p>A server that does not answer, answers with an error or with a body that is not the
 * endpoint's JSON is listed in {@link Report#notAnswering} with the reason; the report is made
 * from the others. A partition no answering server holds is listed in {@link
 * Report#missingPartitions} and left out of the statistics.
 *
 * <p>Which partitions a version has: the SPI gives no per-version partition count (a store's
 * {@code partitionCount} is the setting for its next versions, not necessarily this one's), so the
 * partitions expected are those of the version's external view, those reported, and every
 * partition number below the highest of these (partitions are numbered from 0 without gaps). A
 * version's highest partitions missing from both the external view and every answer (all their
 * replicas down) go unnoticed.
 *
 * <p>Thread-safe. {@link #gather} keeps no state; {@link #shared} keeps the gathers in flight
 * and those that ended less than {@link #REUSE} ago, one per store, version and refresh flag.
 */
final class SkewAggregator {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One partition's chosen numbers.
   *
   * @param partition the partition
   * @param choice the chosen replica, its numbers and why it was chosen
   */
  record Row(int partition, ReplicaChoice choice) {}

  /**
   * A server that gave no usable answer.
   *
   * @param instance its instance id
   * @param reason why, e.g. "timed out after 5000 ms" or "HTTP 404"
   */
  record Unanswered(String instance, String reason) {}

  /**
   * The skew of one store version.
   *
   * @param store the store
   * @param version the version
   * @param at when the gather ended
   * @param rows one per partition with an answering replica, by partition
   * @param missingPartitions expected partitions no answering server reported
   * @param records the statistics of the chosen record counts (partitions with a known count)
   * @param bytes the statistics of the chosen sizes on disk (partitions with a known size)
   * @param answered the servers that answered, by instance id
   * @param notAnswering the servers that did not, with the reason
   */
  record Report(String store, int version, Instant at, List<Row> rows,
      List<Integer> missingPartitions, SkewStatistics records, SkewStatistics bytes,
      List<String> answered, List<Unanswered> notAnswering) {
    /** Every expected partition has a chosen replica. */
    boolean complete() {
      return missingPartitions.isEmpty() && !rows.isEmpty();
    }

    /** The row with the most records (the lowest partition among equals), if any. */
    Optional<Row> largest() {
      Row best = null;
      for (Row r : rows) {
        if (best == null || r.choice().records() > best.choice().records()) {
          best = r;
        }
      }
      return Optional.ofNullable(best);
    }

    /** The sum of the known record counts. */
    long totalRecords() {
      return rows.stream().mapToLong(r -> Math.max(0, r.choice().records())).sum();
    }

    /** As the endpoint's JSON. */
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("store", store);
      json.put("version", version);
      json.put("atMillis", at.toEpochMilli());
      json.put("replicaRule", "the Helix LEADER's numbers when it answered; else the answering"
          + " replica with the most records");
      json.put("records", records.toJson());
      json.put("bytes", bytes.toJson());
      List<Map<String, Object>> partitions = new ArrayList<>();
      for (Row r : rows) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("partition", r.partition());
        row.put("records", r.choice().records());
        row.put("bytes", r.choice().bytes());
        row.put("replica", r.choice().instance());
        row.put("reason", r.choice().reason());
        row.put("replicasAnswered", r.choice().replicas());
        partitions.add(row);
      }
      json.put("partitions", partitions);
      json.put("missingPartitions", missingPartitions);
      json.put("serversAnswered", answered);
      json.put("serversNotAnswering", notAnswering.stream().map(u -> Map.of(
          "instance", u.instance(), "reason", u.reason())).toList());
      return json;
    }
  }

  /** How long a finished {@link #shared} gather is answered again instead of a new one. */
  static final Duration REUSE = Duration.ofSeconds(1);

  /** Slack added to {@link #bound()} beyond the per-server timeouts. */
  static final Duration BOUND_SLACK = Duration.ofSeconds(5);

  /** A shared gather: its future and, once it ended, when (on the injected clock). */
  private record Shared(CompletableFuture<Report> report, AtomicLong endedAt) {}

  private final ClusterView view;
  private final String pluginId;
  private final Duration timeout;
  private final TimeSource time;
  private final Executor executor;
  private final Map<String, Shared> shared = new ConcurrentHashMap<>();

  /**
   * @param view the host's cluster view
   * @param pluginId the id whose server endpoint to call ({@code partition-skew})
   * @param timeout how long each server may take
   * @param time the clock stamping reports and timing {@link #REUSE}
   * @param executor where a report is built once the servers answered (the plugin's scheduler,
   *     not the HTTP client's callback thread)
   */
  SkewAggregator(ClusterView view, String pluginId, Duration timeout, TimeSource time,
      Executor executor) {
    this.view = view;
    this.pluginId = pluginId;
    this.timeout = timeout;
    this.time = time;
    this.executor = executor;
  }

  /**
   * A safety bound on waiting for {@link #gather}, never reached while the cluster view keeps its
   * contract (each call bounded by the per-server timeout, the future always completing): the
   * per-server timeout once per live server (as if the host called them one at a time, whatever
   * its {@code cluster.view.max.parallel.calls}) plus {@link #BOUND_SLACK}.
   */
  Duration bound() {
    int servers = Math.max(1, view.members(ProcessKind.SERVER).size());
    return timeout.multipliedBy(servers).plus(BOUND_SLACK);
  }

  /**
   * Gathers the numbers of {@code store} version {@code version} from every live server.
   *
   * <p>The partitions expected are those of the version's external view, those reported, and
   * every partition below the highest of these (see the class comment).
   *
   * @param refresh whether servers take a fresh snapshot (bounded by their {@code
   *     refresh-timeout}) instead of serving their background one
   * @return the report, built on the executor; the future fails only when the executor refuses
   *     the work (the plugin stopped), never for a server's failure
   */
  CompletableFuture<Report> gather(String store, int version, boolean refresh) {
    List<ClusterMember> servers = view.members(ProcessKind.SERVER);
    String path = "partitions?store=" + URLEncoder.encode(store, StandardCharsets.UTF_8)
        + "&version=" + version + (refresh ? "&refresh=true" : "");
    return view.callPlugin(servers, pluginId, path, timeout)
        .thenApplyAsync(results -> report(store, version, results,
            view.replicaStates(store, version)), executor);
  }

  /**
   * {@link #gather}, shared: a request for the same store, version and refresh flag joins the
   * gather in flight, or gets the report of one that ended less than {@link #REUSE} ago, instead
   * of starting another fan-out to every server.
   *
   * @param started called with the report of a gather this call started (not of a joined one),
   *     e.g. to count the servers not answering once per gather
   */
  CompletableFuture<Report> shared(String store, int version, boolean refresh,
      Consumer<Report> started) {
    String key = store + "\n" + version + "\n" + refresh;
    long now = time.nanoTime();
    shared.values().removeIf(s -> expired(s, now));
    boolean[] mine = {false};
    Shared entry = shared.compute(key, (k, old) -> {
      if (old != null && !expired(old, now)) {
        return old;
      }
      mine[0] = true;
      return new Shared(new CompletableFuture<>(), new AtomicLong(Long.MIN_VALUE));
    });
    if (mine[0]) {
      gather(store, version, refresh).whenComplete((report, error) -> {
        entry.endedAt().set(time.nanoTime());
        if (error != null) {
          shared.remove(key, entry);
          entry.report().completeExceptionally(error);
          return;
        }
        try {
          started.accept(report);
        } finally {
          entry.report().complete(report);
        }
      });
    }
    return entry.report();
  }

  private static boolean expired(Shared s, long now) {
    long ended = s.endedAt().get();
    return ended != Long.MIN_VALUE && now - ended >= REUSE.toNanos();
  }

  /** Builds the report from the servers' answers (package-private for tests). */
  Report report(String store, int version, List<EndpointResult> results,
      Map<Integer, Map<String, String>> states) {
    Map<Integer, Map<String, ReplicaChoice.Numbers>> byPartition = new TreeMap<>();
    List<String> answered = new ArrayList<>();
    List<Unanswered> notAnswering = new ArrayList<>();
    for (EndpointResult result : results) {
      String instance = result.member().instanceId();
      if (!result.ok()) {
        notAnswering.add(new Unanswered(instance, result.error() != null ? result.error()
            : "HTTP " + result.status() + (result.status() == 404
                ? " (is the partition-skew plugin enabled on it?)" : "")));
        continue;
      }
      JsonNode body;
      try {
        body = JSON.readTree(result.body());
      } catch (IOException e) {
        notAnswering.add(new Unanswered(instance, "an answer that is not JSON"));
        continue;
      }
      if (!body.path("partitions").isArray()) {
        notAnswering.add(new Unanswered(instance, "an answer without partitions"));
        continue;
      }
      answered.add(instance);
      for (JsonNode p : body.path("partitions")) {
        if (p.path("store").asText().equals(store) && p.path("version").asInt() == version) {
          byPartition.computeIfAbsent(p.path("partition").asInt(), k -> new TreeMap<>())
              .put(instance, new ReplicaChoice.Numbers(p.path("records").asLong(-1),
                  p.path("bytes").asLong(-1)));
        }
      }
    }
    TreeSet<Integer> expected = new TreeSet<>(states.keySet());
    expected.addAll(byPartition.keySet());
    if (!expected.isEmpty()) {
      for (int p = 0; p < expected.last(); p++) {
        expected.add(p);
      }
    }
    List<Row> rows = new ArrayList<>();
    List<Integer> missing = new ArrayList<>();
    for (int partition : expected) {
      Map<String, ReplicaChoice.Numbers> replicas = byPartition.get(partition);
      if (replicas == null || replicas.isEmpty()) {
        missing.add(partition);
      } else {
        rows.add(new Row(partition, ReplicaChoice.choose(replicas,
            states.getOrDefault(partition, Map.of()))));
      }
    }
    SkewStatistics records = SkewStatistics.of(rows.stream().mapToLong(r -> r.choice().records())
        .filter(n -> n >= 0).toArray());
    SkewStatistics bytes = SkewStatistics.of(rows.stream().mapToLong(r -> r.choice().bytes())
        .filter(n -> n >= 0).toArray());
    return new Report(store, version, time.now(), List.copyOf(rows), List.copyOf(missing),
        records, bytes, List.copyOf(answered), List.copyOf(notAnswering));
  }
}
