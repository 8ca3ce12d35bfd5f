package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.host.StoreInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Creates each {@code <store>_dlq} topic ahead of need: when a store switches the dead-letter
 * queue on (or is found with it on at start), never on the failure path. An attempt runs on the
 * plugin's scheduler (never an ingestion thread); "already exists" counts as done; a failure is
 * counted, logged and retried after 1 s, 2 s, 4 s, ... up to {@code creation-max-backoff}, for as
 * long as the plugin runs. Settings: as many partitions as the store, a replication factor of
 * {@code replication-factor} or the number of brokers if fewer, {@code min.insync.replicas} of
 * {@code min-insync-replicas} or the replication factor if smaller, {@code retention.ms} of the
 * store's {@code retention}. A topic is never deleted or changed by the plugin (its records belong
 * to the store's owner; a store switched off or deleted keeps it).
 *
 * <p>Thread-safe: {@link #want} from any thread, attempts one at a time on the scheduler.
 */
final class TopicProvisioner {
  /** The first retry delay; each next one doubles, up to the configured maximum. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** Runs a task after a delay (the plugin's single-threaded scheduler). */
  interface Delay {
    void after(Duration delay, Runnable task);
  }

  /** One store's topic, as {@code GET /plugins/dead-letter-queue/topics} shows it. */
  record Status(String store, String topic, boolean ready, int failedAttempts,
      String lastError, long readySinceMs) {}

  private final TopicAdmin admin;
  private final Function<String, Optional<StoreInfo>> stores;
  private final Function<String, DeadLetterQueueConfig> settings;
  private final Delay delay;
  private final LongSupplier clockMs;
  private final DeadLetterQueueMetrics metrics;
  private final Logger log;
  private final ConcurrentMap<String, Status> topics = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param admin Kafka's admin API, or {@code null} when the host has no Kafka (topics then stay
   *     pending, with that reason)
   * @param stores a store's metadata (its partition count)
   * @param settings a store's settings ({@code retention}) and the process's
   */
  TopicProvisioner(TopicAdmin admin, Function<String, Optional<StoreInfo>> stores,
      Function<String, DeadLetterQueueConfig> settings, Delay delay, LongSupplier clockMs,
      DeadLetterQueueMetrics metrics, Logger log) {
    this.admin = admin;
    this.stores = stores;
    this.settings = settings;
    this.delay = delay;
    this.clockMs = clockMs;
    this.metrics = metrics;
    this.log = log;
  }

  /** Makes sure {@code store}'s topic is created (an attempt now, unless known or in progress). */
  void want(String store) {
    if (topics.putIfAbsent(store, new Status(store, DeadLetterEncoder.topic(store), false, 0,
        null, 0)) == null) {
      delay.after(Duration.ZERO, () -> attempt(store));
    }
  }

  /** Stores whose topic is wanted but not created yet. */
  int pending() {
    return (int) topics.values().stream().filter(s -> !s.ready()).count();
  }

  /** Stores whose topic exists. */
  int ready() {
    return (int) topics.values().stream().filter(Status::ready).count();
  }

  /** Every wanted topic, sorted by store. */
  List<Status> statuses() {
    List<Status> all = new ArrayList<>(topics.values());
    all.sort(java.util.Comparator.comparing(Status::store));
    return all;
  }

  /** Stops retrying (the plugin stops). */
  void close() {
    closed = true;
  }

  private void attempt(String store) {
    Status before = topics.get(store);
    if (closed || before == null || before.ready()) {
      return;
    }
    String topic = before.topic();
    if (admin == null) {
      topics.put(store, failed(before, "the server has no Kafka client settings"));
      log.warn("dead-letter-queue: cannot create {}: the server has no Kafka client settings",
          topic);
      return;
    }
    try {
      Optional<StoreInfo> info = stores.apply(store);
      if (info.isEmpty()) {
        throw new IllegalStateException("store " + store + "'s metadata is not known yet");
      }
      DeadLetterQueueConfig config = settings.apply(store);
      int brokers = Math.max(1, admin.brokers());
      short replication = (short) Math.min(config.replicationFactor(), brokers);
      int minInsync = Math.min(config.minInsyncReplicas(), replication);
      boolean created = admin.create(topic, info.get().partitionCount(), replication, Map.of(
          "retention.ms", Long.toString(config.retention().toMillis()),
          "min.insync.replicas", Integer.toString(minInsync)));
      topics.put(store, new Status(store, topic, true, before.failedAttempts(), null,
          clockMs.getAsLong()));
      log.info("dead-letter-queue: {} {} ({} partitions, replication {}, min.insync.replicas {},"
          + " retention {})", topic, created ? "created" : "already exists",
          info.get().partitionCount(), replication, minInsync, config.retention());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException
          && e.getCause() != null ? e.getCause() : e;
      Status now = failed(before, String.valueOf(cause));
      topics.put(store, now);
      metrics.creationFailed(store);
      Duration wait = backoff(now.failedAttempts(), settings.apply(store).maxBackoff());
      log.warn("dead-letter-queue: cannot create {} (attempt {}: {}); retrying in {}", topic,
          now.failedAttempts(), cause.toString(), wait);
      if (!closed) {
        delay.after(wait, () -> attempt(store));
      }
    }
  }

  private static Status failed(Status before, String error) {
    return new Status(before.store(), before.topic(), false, before.failedAttempts() + 1, error,
        0);
  }

  /** The wait after the {@code failures}-th failed attempt: 1 s doubling, at most {@code max}. */
  static Duration backoff(int failures, Duration max) {
    long millis = FIRST_BACKOFF.toMillis() << Math.min(30, Math.max(0, failures - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis(millis);
  }
}
