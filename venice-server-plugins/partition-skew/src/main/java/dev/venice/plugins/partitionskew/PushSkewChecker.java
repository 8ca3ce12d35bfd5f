package dev.venice.plugins.partitionskew;

import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Controllers: the end-of-push skew check. When a push of {@code store} version {@code v} goes
 * online, {@link #check} gathers the version's numbers from every server with a fresh snapshot
 * ({@link SkewAggregator#gather} with {@code refresh}); while some partition has no answering
 * replica it tries again, from the servers' background snapshots (no {@code refresh}, so a slow
 * server is not asked for a snapshot per attempt), after {@code retryDelay}, then twice that
 * and so on up to {@code maxRetryDelay}, until {@code push-check-deadline} has passed since the
 * push ended (measured on the injected clock), then judges the last gather:
 *
 * <ul>
 *   <li>{@code warned}: the coefficient of variation of the partitions' record counts exceeds the
 *       store's {@code cv-warning-threshold} and the version holds at least {@code min-records}:
 *       a WARN log line with {@code store=, version=, cv=, threshold=, largestPartition=,
 *       largestRecords=, meanRecords=}, the counter {@code push.warnings{store}}, and the check
 *       kept as the store's last warning;
 *   <li>{@code ok}: not above the threshold; {@code below-min-records}: too few records to judge;
 *   <li>{@code incomplete}: some partition (or every one) still had no answering replica at the
 *       deadline: a version judged from part of its partitions could be called uniform or
 *       skewed wrongly, so it is not judged; the check lists the missing partitions and its
 *       statistics over the others, logged at WARN;
 *   <li>{@code failed}: the gather itself failed.
 * </ul>
 *
 * <p>{@code gather.unanswered} counts the servers not answering the judged gather (once per
 * check, not per attempt).
 *
 * <p>Every step runs on the plugin's single scheduler thread ({@link #check} only schedules), so
 * the admin operation that ended the push never waits. The last check of each store and its last
 * warning are kept (one entry per store, replaced) for the endpoint. Thread-safe.
 */
final class PushSkewChecker {
  /** The results a check ends with, as tagged on {@code push.checks}. */
  static final List<String> RESULTS = List.of("ok", "warned", "below-min-records", "incomplete",
      "failed");

  /**
   * One finished check.
   *
   * @param result one of {@link #RESULTS}
   * @param threshold the store's threshold at the time
   * @param minRecords the store's minimum at the time
   * @param attempts the gathers made
   * @param report the last gather's report ({@code null} when it failed)
   * @param error why the gather failed, else {@code null}
   */
  record Check(String store, int version, String result, double threshold, long minRecords,
      int attempts, SkewAggregator.Report report, String error) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("store", store);
      json.put("version", version);
      json.put("result", result);
      json.put("warned", result.equals("warned"));
      json.put("threshold", threshold);
      json.put("minRecords", minRecords);
      json.put("attempts", attempts);
      if (report != null) {
        json.put("atMillis", report.at().toEpochMilli());
        json.put("cv", report.records().cv());
        json.put("totalRecords", report.totalRecords());
        json.put("complete", report.complete());
        report.largest().ifPresent(r -> json.put("largestPartition", Map.of(
            "partition", r.partition(), "records", r.choice().records(),
            "replica", r.choice().instance())));
        json.put("records", report.records().toJson());
        json.put("missingPartitions", report.missingPartitions());
        json.put("serversNotAnswering", report.notAnswering().stream().map(u -> Map.of(
            "instance", u.instance(), "reason", u.reason())).toList());
      }
      if (error != null) {
        json.put("error", error);
      }
      return json;
    }
  }

  private final SkewAggregator aggregator;
  private final Function<String, PartitionSkewConfig> settings;
  private final ScheduledExecutorService scheduler;
  private final TimeSource time;
  private final Duration retryDelay;
  private final Duration maxRetryDelay;
  private final PartitionSkewMetrics metrics;
  private final Logger log;
  private final Map<String, Check> lastChecks = new ConcurrentHashMap<>();
  private final Map<String, Check> lastWarnings = new ConcurrentHashMap<>();

  /**
   * @param settings the store's settings (threshold, minimum, deadline)
   * @param scheduler where every step runs (the plugin's single thread)
   * @param time the clock the deadline is measured on
   * @param retryDelay the delay before the second gather while partitions are missing
   * @param maxRetryDelay the longest delay between two gathers (each delay doubles up to it)
   */
  PushSkewChecker(SkewAggregator aggregator, Function<String, PartitionSkewConfig> settings,
      ScheduledExecutorService scheduler, TimeSource time, Duration retryDelay,
      Duration maxRetryDelay, PartitionSkewMetrics metrics, Logger log) {
    this.aggregator = aggregator;
    this.settings = settings;
    this.scheduler = scheduler;
    this.time = time;
    this.retryDelay = retryDelay;
    this.maxRetryDelay = maxRetryDelay;
    this.metrics = metrics;
    this.log = log;
  }

  /** Starts the check of a push that just went online; returns at once. */
  void check(String store, int version) {
    long deadline = time.nanoTime() + settings.apply(store).pushCheckDeadline().toNanos();
    run(() -> attempt(store, version, deadline, 1), 0);
  }

  /** The last check of each store, by store. */
  Map<String, Check> lastChecks() {
    return new TreeMap<>(lastChecks);
  }

  /** The last warning of each store that had one, by store. */
  Map<String, Check> lastWarnings() {
    return new TreeMap<>(lastWarnings);
  }

  private void attempt(String store, int version, long deadline, int attempt) {
    aggregator.gather(store, version, attempt == 1)
        .whenComplete((report, error) -> run(() -> {
          boolean early = time.nanoTime() - deadline < 0;
          if ((error != null || !report.complete()) && early) {
            run(() -> attempt(store, version, deadline, attempt + 1), delay(attempt).toNanos());
            return;
          }
          if (report != null) {
            metrics.unanswered(report.notAnswering().size());
          }
          judge(store, version, attempt, report, error);
        }, 0));
  }

  /** The delay after gather number {@code attempt}: doubling from the first, capped. */
  Duration delay(int attempt) {
    Duration delay = retryDelay;
    for (int i = 1; i < attempt && delay.compareTo(maxRetryDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxRetryDelay) < 0 ? delay : maxRetryDelay;
  }

  private void judge(String store, int version, int attempts, SkewAggregator.Report report,
      Throwable error) {
    PartitionSkewConfig config = settings.apply(store);
    double threshold = config.cvWarningThreshold();
    String result;
    if (error != null) {
      result = "failed";
    } else if (!report.complete()) {
      result = "incomplete";
    } else if (report.totalRecords() < config.minRecords()) {
      result = "below-min-records";
    } else if (report.records().cv() > threshold) {
      result = "warned";
    } else {
      result = "ok";
    }
    Check check = new Check(store, version, result, threshold, config.minRecords(), attempts,
        report, error == null ? null : String.valueOf(error));
    lastChecks.put(store, check);
    metrics.checked(result);
    if (result.equals("warned")) {
      lastWarnings.put(store, check);
      metrics.warned(store);
      SkewAggregator.Row largest = report.largest().orElseThrow();
      log.warn("partition skew at the end of a push: store={} version={} cv={} threshold={}"
          + " largestPartition={} largestRecords={} meanRecords={} partitions={}"
          + " missingPartitions={} serversNotAnswering={}", store, version,
          String.format(Locale.ROOT, "%.3f", report.records().cv()), threshold,
          largest.partition(), largest.choice().records(),
          String.format(Locale.ROOT, "%.1f", report.records().mean()),
          report.rows().size(), report.missingPartitions(), report.notAnswering().size());
    } else if (result.equals("incomplete")) {
      log.warn("partition skew check at the end of a push not judged: store={} version={}"
          + " result=incomplete missingPartitions={} partitions={} serversNotAnswering={}"
          + " attempts={}", store, version, report.missingPartitions(), report.rows().size(),
          report.notAnswering().stream().map(SkewAggregator.Unanswered::instance).toList(),
          attempts);
    } else {
      log.info("partition skew check at the end of a push: store={} version={} result={} cv={}",
          store, version, result, report == null ? "n/a"
              : String.format(Locale.ROOT, "%.3f", report.records().cv()));
    }
  }

  /** Runs on the scheduler; nothing when it is shut down (the plugin stopped). */
  private void run(Runnable step, long delayNanos) {
    try {
      scheduler.schedule(() -> {
        try {
          step.run();
        } catch (RuntimeException e) {
          log.warn("partition skew check step failed", e);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      // the plugin stopped: the check is dropped
    }
  }
}
