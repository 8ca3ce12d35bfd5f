package dev.venice.plugins.topicretention;

import java.util.List;

/**
 * What one run of the enforcer found and did, as {@code GET /plugins/topic-retention/report}
 * serves it (Jackson writes the components as JSON fields). Times are ISO-8601 UTC text
 * ({@code 2026-12-02T04:00:00Z}). Immutable.
 *
 * @param at when the run started (this controller's wall clock)
 * @param leader whether this controller was the leader (a standby's run does nothing)
 * @param dryRun the process-wide {@code dry-run} setting (a store may set its own: see each
 *     mismatch's {@code dryRun})
 * @param durationMs how long the run took, in ms (the pauses between changes included)
 * @param topicsSeen Venice topics listed (other topics are not counted)
 * @param stale topics without their store or version for at least the grace period, by topic
 * @param pending topics without their store or version, still within the grace period, by topic
 * @param mismatches topics whose {@code retention.ms} differs from the policy, by store and topic
 * @param alters topic-config changes asked of the controller (dry runs included)
 * @param stopped why the run stopped early ({@code null} when it did not)
 * @param error why the run failed ({@code null} when it did not)
 */
record RetentionReport(String at, boolean leader, boolean dryRun, long durationMs,
    int topicsSeen, List<StaleTopic> stale, List<StaleTopic> pending, List<Mismatch> mismatches,
    int alters, String stopped, String error) {
  /** Copies the lists. */
  RetentionReport {
    stale = List.copyOf(stale);
    pending = List.copyOf(pending);
    mismatches = List.copyOf(mismatches);
  }

  /** The report of a run on a standby: nothing looked at. */
  static RetentionReport standby(String at, boolean dryRun) {
    return new RetentionReport(at, false, dryRun, 0, 0, List.of(), List.of(), List.of(), 0, null,
        null);
  }

  /** The report of a run that failed before it could finish ({@code error} says why). */
  static RetentionReport failed(String at, boolean dryRun, long durationMs, String error) {
    return new RetentionReport(at, true, dryRun, durationMs, 0, List.of(), List.of(), List.of(),
        0, null, error);
  }

  /** Why a topic of a Venice name has no store or version to belong to. */
  enum Reason {
    /** No store of that name. */
    STORE_UNKNOWN("store-unknown"),
    /** The store has no such version any more (a version above it exists). */
    VERSION_RETIRED("version-retired"),
    /** The store has no such version and none above it (a stray, or a push just starting). */
    VERSION_UNKNOWN("version-unknown"),
    /** The version's push failed or was killed: the controller drops its topic. */
    VERSION_FAILED("version-failed"),
    /** A real-time topic of a store that is not hybrid. */
    STORE_NOT_HYBRID("store-not-hybrid");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The reason as the report writes it, e.g. {@code version-retired}. */
    String code() {
      return code;
    }
  }

  /**
   * A topic without its store or version.
   *
   * @param topic the topic
   * @param store the store its name names
   * @param reason why it has nothing to belong to, as {@link Reason#code()}
   * @param detail the same for a person, naming the store and versions
   * @param since when this controller first saw it so (its wall clock)
   */
  record StaleTopic(String topic, String store, String reason, String detail, String since) {}

  /** What became of a retention mismatch in the run. */
  enum State {
    /** The controller set the policy's value. */
    FIXED("fixed"),
    /** The store is in dry run: the change was asked as a dry run only. */
    WOULD_SET("would-set"),
    /** Not attempted in this run (the run's limit, or leadership lost): the next run will. */
    DEFERRED("deferred"),
    /** The controller refused or Kafka failed ({@code reason}); the next run tries again. */
    FAILED("failed"),
    /** The topic, version or store was deleted before the change: nothing to do. */
    GONE("gone");

    private final String code;

    State(String code) {
      this.code = code;
    }

    /** The state as the report writes it, e.g. {@code would-set}. */
    String code() {
      return code;
    }
  }

  /**
   * A topic whose {@code retention.ms} differs from the policy, and what the run did about it.
   *
   * @param topic the topic
   * @param store its store
   * @param currentMs its {@code retention.ms} when described
   * @param policyMs the policy's value for it
   * @param dryRun whether its store is in dry run
   * @param state what became of it, as {@link State#code()}
   * @param reason why it failed, is gone or was deferred ({@code null} when fixed or would be)
   */
  record Mismatch(String topic, String store, long currentMs, long policyMs, boolean dryRun,
      String state, String reason) {}
}
