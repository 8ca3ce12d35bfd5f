package dev.venice.plugins.topicretention;

import dev.venice.plugins.topicretention.RetentionReport.Mismatch;
import dev.venice.plugins.topicretention.RetentionReport.StaleTopic;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The background task {@code enforce}: every {@code interval} (and at once when this controller
 * gains the leadership, so a new leader reports within seconds rather than an interval) runs the
 * {@link TopicRetentionEnforcer} on the leader only: it checks {@link ControllerHost#isLeader()}
 * first, and a standby does nothing but forget what it saw (a later term starts afresh) and keep a
 * report saying it is a standby. Logs a WARN per topic when it first becomes stale and per failed
 * fix; a failed run is logged, counted and kept as the last report with its error, and the next
 * run happens as usual. Both kinds of run go to the plugin's single scheduler thread, so one runs
 * at a time. Thread-safe: {@link #lastReport()} may be read from any thread.
 */
final class TopicRetentionTask implements BackgroundTask, Consumer<LeadershipChange> {
  private final TopicRetentionEnforcer enforcer;
  private final ControllerHost controller;
  private final TopicRetentionMetrics metrics;
  private final Logger log;
  private final TimeSource time;
  private final Executor scheduler;
  private final TopicRetentionConfig process;
  private volatile RetentionReport last;

  /**
   * @param scheduler the plugin's single-threaded scheduler (the one the host runs this task on)
   * @param process the process-wide settings ({@code interval}, {@code dry-run})
   */
  TopicRetentionTask(TopicRetentionEnforcer enforcer, ControllerHost controller,
      TopicRetentionMetrics metrics, Logger log, TimeSource time, Executor scheduler,
      TopicRetentionConfig process) {
    this.enforcer = enforcer;
    this.controller = controller;
    this.metrics = metrics;
    this.log = log;
    this.time = time;
    this.scheduler = scheduler;
    this.process = process;
  }

  @Override
  public String name() {
    return "enforce";
  }

  @Override
  public Duration interval() {
    return process.interval();
  }

  /** On a gain of leadership, a run on the scheduler's thread now. */
  @Override
  public void accept(LeadershipChange change) {
    if (change.leader()) {
      try {
        scheduler.execute(this::run);
      } catch (RejectedExecutionException stopping) {
        // the plugin is stopping: no run
      }
    }
  }

  @Override
  public void run() {
    if (!controller.isLeader()) {
      enforcer.forget();
      RetentionReport standby = RetentionReport.standby(time.now().toString(), process.dryRun());
      metrics.ran(standby, 0);
      last = standby;
      return;
    }
    String at = time.now().toString();
    long start = time.nanoTime();
    TopicRetentionEnforcer.Outcome outcome;
    try {
      outcome = enforcer.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping
      return;
    } catch (Exception e) {
      metrics.failed();
      last = RetentionReport.failed(at, process.dryRun(),
          TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - start), String.valueOf(e));
      log.warn("topic-retention: the run failed; the next one is in {}: {}", process.interval(),
          e.toString(), e);
      return;
    }
    RetentionReport report = outcome.report();
    metrics.ran(report, outcome.fixed());
    last = report;
    for (StaleTopic s : outcome.newlyStale()) {
      log.warn("topic-retention: stale topic {} ({}: {}), seen so since {}; it is not deleted:"
          + " an operator decides", s.topic(), s.reason(), s.detail(), s.since());
    }
    for (Mismatch m : report.mismatches()) {
      if (m.state().equals(RetentionReport.State.FAILED.code())) {
        log.warn("topic-retention: cannot set retention.ms={} on topic {} (now {}): {}; the next"
            + " run tries again", m.policyMs(), m.topic(), m.currentMs(), m.reason());
      }
    }
    if (report.stopped() != null) {
      log.info("topic-retention: run stopped early: {}", report.stopped());
    }
  }

  /** The last run's report, if a run happened. */
  Optional<RetentionReport> lastReport() {
    return Optional.ofNullable(last);
  }
}
