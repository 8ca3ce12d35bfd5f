package dev.venice.plugins.topicretention;

import dev.venice.plugins.topicretention.RetentionReport.Mismatch;
import dev.venice.plugins.topicretention.RetentionReport.Reason;
import dev.venice.plugins.topicretention.RetentionReport.StaleTopic;
import dev.venice.plugins.topicretention.RetentionReport.State;
import dev.venice.plugins.topicretention.VeniceTopicName.Kind;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.AdminActions;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The seed's {@code TopicRetentionEnforcer}: one run lists every Kafka topic with a Venice name
 * ({@link VeniceTopicName}), cross-references it with the controller's stores and versions,
 * reports the topics that have nothing to belong to (never deleting or altering them), and sets
 * the policy's {@code retention.ms} on the others whose value differs, through the controller's
 * admin path ({@link AdminActions#updateTopicConfigs}, audited as {@code UPDATE_TOPIC_CONFIG}).
 *
 * <p><b>Which topics belong.</b> {@code <store>_v<N>}: the store has version N with status
 * STARTED (a push writing it) or ONLINE; ERROR and KILLED versions' topics are dropped by the
 * controller, so one still there is stale. {@code <store>_rt}: the store exists and is hybrid.
 * {@code <store>_dlq}: the store exists (its retention is the dead-letter-queue plugin's, never
 * checked here). A store switched off for the plugin ({@code
 * plugins.topic-retention.enabled=false}) is left alone: its topics are neither checked nor
 * reported.
 *
 * <p><b>Staleness, with a grace period.</b> The controller retires a version in ZooKeeper before
 * it deletes the version's topic, and a push creates its topic a moment before its version is
 * visible; in both windows a topic has no version. So a topic without its store or version is
 * only <i>pending</i> until this enforcer has seen it so for {@code stale-grace-period} (by the
 * monotonic clock, across runs), then <i>stale</i>, reported with the time it was first seen so;
 * {@link Outcome#newlyStale()} names it in the first run that finds it stale only. A topic that
 * goes, or finds its store or version, is forgotten. Nothing is ever deleted: that needs an
 * operator.
 *
 * <p><b>Fixes, batched and rate-limited.</b> Topics described with a {@code retention.ms} other
 * than their store's policy ({@code version-topic-retention}, {@code real-time-topic-retention})
 * are fixed one store at a time, all of a store's topics (up to {@value #MAX_BATCH}) in one
 * admin call (one Kafka {@code incrementalAlterConfigs}); at most one call per {@code
 * alter-interval} (this pauses between calls, also across runs) and {@code max-alters-per-run}
 * calls per run, the rest reported {@code deferred}. A store in {@code dry-run} gets the call as
 * a dry run (the before-hooks still judge it) and the fix reported {@code would-set}; as it
 * changes nothing it neither waits for the pace nor counts toward {@code max-alters-per-run}. A refusal
 * {@code NOT_LEADER} stops the run quietly (the rest deferred: the new leader's enforcer acts);
 * {@code NOT_FOUND} (the topic, version or store deleted since it was listed) is reported {@code
 * gone}; any other refusal is reported {@code failed} with its message, and the next run, seeing
 * the same value, tries again. A fixed topic is described with the policy's value in the next run,
 * so it is not changed again.
 *
 * <p>Not thread-safe: one run at a time (the plugin runs it on its scheduler's single thread).
 */
final class TopicRetentionEnforcer {
  /** The most topics in one admin call (the controller's limit per batch). */
  static final int MAX_BATCH = 100;
  /** The topic config the enforcer sets. */
  static final String RETENTION_MS = "retention.ms";

  /** Waits between two admin calls (production: sleeps; tests: advance a manual clock). */
  @FunctionalInterface
  interface Pause {
    /** Sleeps the calling thread for {@code duration}. */
    Pause SLEEP = duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());

    /** Returns after {@code duration}. */
    void pause(Duration duration) throws InterruptedException;
  }

  /**
   * A run's result.
   *
   * @param report what the run found and did
   * @param newlyStale the stale topics this run found stale for the first time (to warn about)
   * @param fixed topics whose retention the controller set (not dry runs)
   */
  record Outcome(RetentionReport report, List<StaleTopic> newlyStale, int fixed) {}

  private final TopicReader kafka;
  private final StoreMetadataService stores;
  private final Function<String, List<StoreVersion>> versions;
  private final AdminActions actions;
  private final StoreSettings<TopicRetentionConfig> settings;
  private final Predicate<String> enabled;
  private final TimeSource time;
  private final Pause pause;
  /** Topics without a store or version: when first seen so. */
  private final Map<String, Sighting> sightings = new HashMap<>();
  private long lastAlterNanos;
  private boolean altered;
  private volatile boolean stopping;

  /**
   * @param kafka the topics and their retention
   * @param stores the controller's store metadata
   * @param versions a store's versions ({@code ControllerHost.versions})
   * @param actions the admin path the fixes go through
   * @param settings the policy per store, and the process-wide pace
   * @param enabled whether the plugin is on for a store
   * @param time the clock: wall time for the report, monotonic time for the grace period and the
   *     pace
   * @param pause how the pace waits
   */
  TopicRetentionEnforcer(TopicReader kafka, StoreMetadataService stores,
      Function<String, List<StoreVersion>> versions, AdminActions actions,
      StoreSettings<TopicRetentionConfig> settings, Predicate<String> enabled, TimeSource time,
      Pause pause) {
    this.kafka = kafka;
    this.stores = stores;
    this.versions = versions;
    this.actions = actions;
    this.settings = settings;
    this.enabled = enabled;
    this.time = time;
    this.pause = pause;
  }

  /**
   * Makes the run in progress, if any, defer the changes it has not made yet (the plugin is
   * stopping and its Kafka client about to close). Any thread.
   */
  void stop() {
    stopping = true;
  }

  /**
   * One run (see the class comment).
   *
   * @throws Exception when Kafka or the store metadata cannot be read (nothing was changed by
   *     this run after the failure; the next run starts afresh)
   * @throws InterruptedException when interrupted during a pause (the plugin is stopping)
   */
  Outcome run() throws Exception {
    String at = time.now().toString();
    long start = time.nanoTime();
    TopicRetentionConfig process = settings.processWide();
    Map<String, StoreView> views = new HashMap<>();
    List<StaleTopic> stale = new ArrayList<>();
    List<StaleTopic> pending = new ArrayList<>();
    List<StaleTopic> newlyStale = new ArrayList<>();
    Map<String, VeniceTopicName> checked = new TreeMap<>();
    Set<String> unplaced = new HashSet<>();
    int seen = 0;
    for (String topic : new TreeSet<>(kafka.topics())) {
      Optional<VeniceTopicName> parsed = VeniceTopicName.parse(topic);
      if (parsed.isEmpty()) {
        continue;
      }
      seen++;
      VeniceTopicName name = parsed.get();
      StoreView view = views.computeIfAbsent(name.store(), this::view);
      if (view.info().isPresent() && !enabled.test(name.store())) {
        continue;
      }
      Optional<Unplaced> missing = whyUnplaced(name, view);
      if (missing.isEmpty()) {
        if (name.kind() != Kind.DEAD_LETTER) {
          checked.put(topic, name);
        }
        continue;
      }
      unplaced.add(topic);
      Sighting sighting = sightings.computeIfAbsent(topic, t -> new Sighting(start, at));
      StaleTopic row = new StaleTopic(topic, name.store(), missing.get().reason().code(),
          missing.get().detail(), sighting.since);
      if (start - sighting.nanos >= process.staleGracePeriod().toNanos()) {
        stale.add(row);
        if (!sighting.reported) {
          sighting.reported = true;
          newlyStale.add(row);
        }
      } else {
        pending.add(row);
      }
    }
    sightings.keySet().retainAll(unplaced);

    Map<String, Long> current = checked.isEmpty() ? Map.of() : kafka.retentionMs(checked.keySet());
    Map<String, Map<String, Long>> wrongByStore = new TreeMap<>();
    Map<String, Long> currentByTopic = new HashMap<>();
    checked.forEach((topic, name) -> {
      Long value = current.get(topic);
      long policy = views.get(name.store()).policy().policyMs(name.kind());
      if (value != null && value != policy) {
        wrongByStore.computeIfAbsent(name.store(), s -> new TreeMap<>()).put(topic, policy);
        currentByTopic.put(topic, value);
      }
    });
    Fixes fixes = fix(wrongByStore, currentByTopic, views, process.maxAltersPerRun(),
        process.alterInterval());
    RetentionReport report = new RetentionReport(at, true, process.dryRun(),
        TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - start), seen, stale, pending,
        fixes.rows, fixes.alters, fixes.stopped, null);
    return new Outcome(report, newlyStale, fixes.fixed);
  }

  /** Forgets what was seen (this controller is not the leader: a later term starts afresh). */
  void forget() {
    sightings.clear();
  }

  private Fixes fix(Map<String, Map<String, Long>> wrongByStore, Map<String, Long> currentByTopic,
      Map<String, StoreView> views, int maxAlters, Duration alterInterval)
      throws InterruptedException {
    Fixes fixes = new Fixes();
    for (Map.Entry<String, Map<String, Long>> store : wrongByStore.entrySet()) {
      boolean dryRun = views.get(store.getKey()).policy().dryRun();
      List<String> topics = new ArrayList<>(store.getValue().keySet());
      for (int from = 0; from < topics.size(); from += MAX_BATCH) {
        List<String> batch = topics.subList(from, Math.min(topics.size(), from + MAX_BATCH));
        State state;
        String reason = null;
        if (fixes.stopped == null && stopping) {
          fixes.stopped = "the plugin is stopping";
        }
        if (fixes.stopped != null) {
          state = State.DEFERRED;
          reason = fixes.stopped;
        } else if (!dryRun && fixes.alters >= maxAlters) {
          state = State.DEFERRED;
          reason = "this run made its " + maxAlters + " changes (max-alters-per-run); the next"
              + " run will";
        } else {
          Map<String, Map<String, String>> configs = new LinkedHashMap<>();
          batch.forEach(t -> configs.put(t, Map.of(RETENTION_MS,
              String.valueOf(store.getValue().get(t)))));
          if (!dryRun) { // a dry run changes nothing: no pace, not counted
            awaitPace(alterInterval);
            fixes.alters++;
          }
          try {
            actions.updateTopicConfigs(store.getKey(), configs, dryRun);
            state = dryRun ? State.WOULD_SET : State.FIXED;
            if (!dryRun) {
              fixes.fixed += batch.size();
            }
          } catch (AdminActionException e) {
            reason = e.getMessage();
            switch (e.reason()) {
              case NOT_LEADER -> {
                state = State.DEFERRED;
                fixes.stopped = "this controller is no longer the leader: " + e.getMessage();
                reason = fixes.stopped;
              }
              case NOT_FOUND -> state = State.GONE;
              default -> state = State.FAILED;
            }
          }
        }
        for (String topic : batch) {
          fixes.rows.add(new Mismatch(topic, store.getKey(), currentByTopic.get(topic),
              store.getValue().get(topic), dryRun, state.code(), reason));
        }
      }
    }
    return fixes;
  }

  /** Waits until {@code interval} has passed since the previous admin call. */
  private void awaitPace(Duration interval) throws InterruptedException {
    if (altered) {
      long wait = lastAlterNanos + interval.toNanos() - time.nanoTime();
      if (wait > 0) {
        pause.pause(Duration.ofNanos(wait));
      }
    }
    altered = true;
    lastAlterNanos = time.nanoTime();
  }

  private StoreView view(String store) {
    Optional<StoreInfo> info = stores.store(store);
    return new StoreView(info, info.isPresent() ? versions.apply(store) : List.of(),
        settings.get(store));
  }

  /** Where {@code name} has nothing to belong to, why; empty when it belongs. */
  private static Optional<Unplaced> whyUnplaced(VeniceTopicName name, StoreView view) {
    if (view.info().isEmpty()) {
      return Optional.of(new Unplaced(Reason.STORE_UNKNOWN, "no store " + name.store()));
    }
    StoreInfo info = view.info().get();
    return switch (name.kind()) {
      case DEAD_LETTER -> Optional.empty();
      case REAL_TIME -> info.hybrid() ? Optional.empty() : Optional.of(new Unplaced(
          Reason.STORE_NOT_HYBRID, "store " + name.store() + " is not hybrid"));
      case VERSION -> versionUnplaced(name, info, view.versions());
    };
  }

  private static Optional<Unplaced> versionUnplaced(VeniceTopicName name, StoreInfo info,
      List<StoreVersion> versions) {
    String has = "store " + name.store() + " has versions " + versions.stream()
        .map(v -> v.number() + " " + v.status()).toList();
    Optional<StoreVersion> version = versions.stream()
        .filter(v -> v.number() == name.version()).findFirst();
    if (version.isPresent()) {
      StoreVersion.Status status = version.get().status();
      return status == StoreVersion.Status.ERROR || status == StoreVersion.Status.KILLED
          ? Optional.of(new Unplaced(Reason.VERSION_FAILED, "store " + name.store() + " version "
              + name.version() + " is " + status + ": the controller drops its topic"))
          : Optional.empty();
    }
    int highest = Math.max(info.currentVersion(),
        versions.stream().mapToInt(StoreVersion::number).max().orElse(0));
    return Optional.of(name.version() < highest
        ? new Unplaced(Reason.VERSION_RETIRED, has + "; version " + name.version()
            + " was retired")
        : new Unplaced(Reason.VERSION_UNKNOWN, has + "; no version " + name.version()
            + " yet"));
  }

  /** One store as a run sees it. */
  private record StoreView(Optional<StoreInfo> info, List<StoreVersion> versions,
      TopicRetentionConfig policy) {}

  /** Why a topic has nothing to belong to. */
  private record Unplaced(Reason reason, String detail) {}

  /** When a topic was first seen without its store or version, and whether it was reported. */
  private static final class Sighting {
    final long nanos;
    final String since;
    boolean reported;

    Sighting(long nanos, String since) {
      this.nanos = nanos;
      this.since = since;
    }
  }

  /** What the fixes of one run came to. */
  private static final class Fixes {
    final List<Mismatch> rows = new ArrayList<>();
    int alters;
    int fixed;
    String stopped;
  }
}
