package dev.venice.plugins.partitionskew;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Controllers, under {@code /plugins/partition-skew/}:
 *
 * <ul>
 *   <li>{@code GET skew?store=S[&version=V][&refresh=true]}: the {@link SkewAggregator.Report} of
 *       the store's version {@code V} (default: its current version), gathered now from every
 *       server (each within {@code gather-timeout}); servers not answering are listed, not fatal;
 *   <li>{@code GET warnings[?store=S]}: the last end-of-push warning of each store (or of {@code
 *       S}), an empty list when none;
 *   <li>{@code GET checks[?store=S]}: the last end-of-push check of each store, warned or not.
 * </ul>
 *
 * <p>{@code skew} holds an admin server thread while it waits for the servers' answers (the SPI's
 * endpoints are synchronous), so identical requests share one gather: a request for the same
 * store, version and refresh flag joins the gather in flight or gets the report of one that ended
 * less than {@link SkewAggregator#REUSE} ago ({@link SkewAggregator#shared}); {@code
 * gather.unanswered} counts each gather's servers once. The wait is bounded by {@link
 * SkewAggregator#bound()}, which the cluster view's own per-call timeouts keep it under.
 *
 * <p>Warnings and checks are kept by the controller that ran them, the leader at the time, and
 * only in memory. Errors, each a one-line {@code error} naming the parameter: 400 for a missing
 * store or a bad {@code version} or {@code refresh}, 404 for an unknown store, a store with no
 * current version and no {@code version} given, or an unknown path; 405 for a method other than
 * GET; 504 when the gather did not end within {@link SkewAggregator#bound()} (only when the
 * cluster view breaks its contract). Thread-safe.
 */
final class SkewEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SkewAggregator aggregator;
  private final PushSkewChecker checker;
  private final Optional<StoreMetadataService> metadata;
  private final PartitionSkewMetrics metrics;

  SkewEndpoint(SkewAggregator aggregator, PushSkewChecker checker,
      Optional<StoreMetadataService> metadata, PartitionSkewMetrics metrics) {
    this.aggregator = aggregator;
    this.checker = checker;
    this.metadata = metadata;
    this.metrics = metrics;
  }

  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return PartitionsEndpoint.error(405, "method", request.method()
          + " is not allowed: use GET");
    }
    String path = request.path().replaceAll("/+$", "");
    return switch (path) {
      case "skew" -> skew(request);
      case "warnings" -> list(request, checker.lastWarnings(), "warnings");
      case "checks" -> list(request, checker.lastChecks(), "checks");
      default -> PartitionsEndpoint.error(404, "path", "no such path /plugins/partition-skew/"
          + path + ": use skew?store=S, warnings or checks");
    };
  }

  private PluginHttpResponse skew(PluginHttpRequest request) throws Exception {
    String store = request.queryParameter("store").map(String::strip).orElse("");
    if (store.isEmpty()) {
      return PartitionsEndpoint.error(400, "store", "the store parameter is missing: GET"
          + " /plugins/partition-skew/skew?store=S[&version=V]");
    }
    Optional<StoreInfo> info = metadata.flatMap(m -> m.store(store));
    if (metadata.isPresent() && info.isEmpty()) {
      return PartitionsEndpoint.error(404, "store", "store " + store + " does not exist");
    }
    int version;
    Optional<String> v = request.queryParameter("version");
    if (v.isPresent()) {
      Integer n = PartitionsEndpoint.positive(v.get());
      if (n == null) {
        return PartitionsEndpoint.error(400, "version", "version " + v.get()
            + " is not a positive integer");
      }
      version = n;
    } else {
      version = info.map(StoreInfo::currentVersion).orElse(0);
      if (version < 1) {
        return PartitionsEndpoint.error(404, "version", "store " + store
            + " has no current version (nothing pushed yet); give version=V");
      }
    }
    String r = request.queryParameter("refresh").map(String::strip).orElse("false");
    if (!r.equals("true") && !r.equals("false")) {
      return PartitionsEndpoint.error(400, "refresh", "refresh " + r + " is not true or false");
    }
    SkewAggregator.Report report;
    Duration bound = aggregator.bound();
    try {
      report = aggregator.shared(store, version, r.equals("true"),
          started -> metrics.unanswered(started.notAnswering().size()))
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return PartitionsEndpoint.error(504, "store", "gathering store " + store + " version "
          + version + " from the servers took more than " + bound.toMillis() + " ms");
    }
    return PluginHttpResponse.json(200, JSON.writeValueAsString(report.toJson()));
  }

  private static PluginHttpResponse list(PluginHttpRequest request,
      Map<String, PushSkewChecker.Check> checks, String name) throws Exception {
    String store = request.queryParameter("store").map(String::strip).orElse("");
    List<Map<String, Object>> rows = checks.values().stream()
        .filter(c -> store.isEmpty() || c.store().equals(store))
        .map(PushSkewChecker.Check::toJson).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(name, rows);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }
}
