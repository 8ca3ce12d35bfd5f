package dev.venice.plugins.partitionskew;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.TimeSource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

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
 * <p>Thread-safe: no mutable state; each gather is independent.
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
    java.util.Optional<Row> largest() {
      Row best = null;
      for (Row r : rows) {
        if (best == null || r.choice().records() > best.choice().records()) {
          best = r;
        }
      }
      return java.util.Optional.ofNullable(best);
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

  private final ClusterView view;
  private final java.util.Optional<dev.venice.spi.host.StoreMetadataService> metadata;
  private final String pluginId;
  private final Duration timeout;
  private final TimeSource time;

  /**
   * @param view the host's cluster view
   * @param metadata the store metadata, for the partition count (a store's current setting)
   * @param pluginId the id whose server endpoint to call ({@code partition-skew})
   * @param timeout how long each server may take
   * @param time the clock stamping reports
   */
  SkewAggregator(ClusterView view,
      java.util.Optional<dev.venice.spi.host.StoreMetadataService> metadata, String pluginId,
      Duration timeout, TimeSource time) {
    this.view = view;
    this.metadata = metadata;
    this.pluginId = pluginId;
    this.timeout = timeout;
    this.time = time;
  }

  /**
   * How long a caller may wait for {@link #gather}: the per-server timeout once per 8 servers (the
   * host calls at most 8 at a time by default), plus one.
   */
  Duration bound() {
    int servers = view.members(ProcessKind.SERVER).size();
    return timeout.multipliedBy(servers / 8 + 2);
  }

  /**
   * Gathers the numbers of {@code store} version {@code version} from every live server.
   *
   * <p>The partitions expected are those of the version's external view, those reported, and 0 to
   * the store's partition count minus one.
   *
   * @param refresh whether servers take a fresh snapshot (bounded by their {@code
   *     refresh-timeout}) instead of serving their background one
   * @return the report; the future never fails for a server's failure
   */
  CompletableFuture<Report> gather(String store, int version, boolean refresh) {
    int partitionCount = metadata.flatMap(m -> m.store(store))
        .map(dev.venice.spi.host.StoreInfo::partitionCount).orElse(0);
    List<ClusterMember> servers = view.members(ProcessKind.SERVER);
    String path = "partitions?store=" + store + "&version=" + version
        + (refresh ? "&refresh=true" : "");
    return view.callPlugin(servers, pluginId, path, timeout)
        .thenApply(results -> report(store, version, partitionCount, results,
            view.replicaStates(store, version)));
  }

  /** Builds the report from the servers' answers (package-private for tests). */
  Report report(String store, int version, int partitionCount, List<EndpointResult> results,
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
    for (int p = 0; p < partitionCount; p++) {
      expected.add(p);
    }
    expected.addAll(byPartition.keySet());
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
