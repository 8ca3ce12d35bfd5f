package dev.venice.runtime.controller;

import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.spi.plugin.TimeSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last progress report of each push in progress, kept in the leader's memory (a push job
 * reports about once a second; after a fail-over the new leader shows an ETA again from the job's
 * next report). Reports are aged when read: the ETA counts down from when it was received, and a
 * report older than {@link PushProgressReport#STALE_AFTER_MS} loses its ETA and reads {@code
 * NOT_REPORTING}. Thread-safe.
 */
final class PushProgressBoard {
  static final String NOT_REPORTING = "NOT_REPORTING";

  private final TimeSource time;
  private final Map<String, PushProgressReport> reports = new ConcurrentHashMap<>();

  PushProgressBoard(TimeSource time) {
    this.time = time;
  }

  /** Keeps {@code report} as version topic {@code topic}'s latest, stamped with the time now. */
  void put(String topic, PushProgressReport report) {
    reports.put(topic, new PushProgressReport(report.phase(), report.state(),
        report.recordsWritten(), report.totalRecords(), report.recordsPerSecond(),
        report.etaSeconds(), report.etaLowSeconds(), report.etaHighSeconds(),
        time.now().toEpochMilli()));
  }

  /** The report of {@code topic} as of now, or null when none came. */
  PushProgressReport get(String topic) {
    PushProgressReport report = reports.get(topic);
    if (report == null) {
      return null;
    }
    long ageMs = Math.max(0, time.now().toEpochMilli() - report.reportedAtMs());
    if (ageMs > PushProgressReport.STALE_AFTER_MS) {
      return new PushProgressReport(report.phase(), NOT_REPORTING, report.recordsWritten(),
          report.totalRecords(), 0, null, null, null, report.reportedAtMs());
    }
    double age = ageMs / 1000.0;
    return new PushProgressReport(report.phase(), report.state(), report.recordsWritten(),
        report.totalRecords(), report.recordsPerSecond(), countDown(report.etaSeconds(), age),
        countDown(report.etaLowSeconds(), age), countDown(report.etaHighSeconds(), age),
        report.reportedAtMs());
  }

  /** Forgets the reports of every topic but {@code inProgress} (pushes that ended). */
  void retainOnly(Set<String> inProgress) {
    reports.keySet().retainAll(inProgress);
  }

  private static Double countDown(Double seconds, double age) {
    return seconds == null ? null : Math.max(0, seconds - age);
  }
}
