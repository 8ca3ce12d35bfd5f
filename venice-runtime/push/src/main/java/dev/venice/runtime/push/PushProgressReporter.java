package dev.venice.runtime.push;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.push.ThroughputEstimator.Estimate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a push's progress and ETA to the controller every {@link #INTERVAL} from a thread of its
 * own, so a slow controller never slows the writes. A report the controller refuses or does not
 * take is logged and the push goes on: progress is for people watching, never a reason to fail a
 * push. Reporting stops when the controller says the push has ended (409).
 */
final class PushProgressReporter implements AutoCloseable {
  /** How often the job reports. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(PushProgressReporter.class);

  private final ControllerClient admin;
  private final String store;
  private final int version;
  private final ThroughputEstimator estimator;
  private final ScheduledExecutorService thread;
  private volatile String phase = "WRITING";
  private volatile boolean warned;

  PushProgressReporter(ControllerClient admin, String store, int version,
      ThroughputEstimator estimator) {
    this.admin = admin;
    this.store = store;
    this.version = version;
    this.estimator = estimator;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "push-progress-" + store + "-v" + version);
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::report, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every record is written: from now on the push waits for the servers. */
  void writingDone() {
    phase = "WAITING_FOR_ONLINE";
    thread.execute(this::report);
  }

  private void report() {
    Estimate e = estimator.estimate();
    try {
      admin.reportPushProgress(store, version, new PushProgressReport(phase, e.state().name(),
          e.recordsDone(), e.totalRecords(), e.recordsPerSecond(), seconds(e.eta()),
          seconds(e.etaLow()), seconds(e.etaHigh()), null));
    } catch (ControllerException refused) {
      if (refused.status() == 409) {
        thread.shutdown(); // the push ended (killed, failed or online): nothing left to report
      } else {
        warnOnce(refused);
      }
    } catch (RuntimeException unexpected) {
      warnOnce(unexpected); // caught: an exception would end the scheduled reports for good
    }
  }

  private void warnOnce(RuntimeException failure) {
    if (!warned) {
      warned = true;
      LOG.warn("push of store {} version {}: the controller did not take a progress report"
          + " (the push goes on): {}", store, version, failure.getMessage());
    }
  }

  private static Double seconds(Duration duration) {
    return duration == null ? null : duration.toNanos() / 1e9;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
