package dev.venice.runtime.common.meta;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A push job's own account of its progress, sent to the controller about once a second while it
 * writes and waits ({@code POST /stores/{store}/versions/{n}/progress}) and shown in the push's
 * status. The ETA is the push job's {@code ThroughputEstimator}'s: approximate, with a ±20% range.
 *
 * @param phase {@code WRITING} (records going into the version topic) or {@code
 *     WAITING_FOR_ONLINE} (every record written; the servers finish ingesting)
 * @param state the estimate's state: {@code WARMING_UP}, {@code RUNNING}, {@code STALLED} or
 *     {@code DONE}; the controller answers {@code NOT_REPORTING} when no report came for {@link
 *     #STALE_AFTER_MS}
 * @param recordsWritten records written into the version topic so far
 * @param totalRecords records the push writes in all
 * @param recordsPerSecond the smoothed write rate (records per second)
 * @param etaSeconds seconds until the push is written, as of {@code reportedAtMs} when the job
 *     sends it and as of the answer when the controller shows it; null when there is no estimate
 *     (warming up, stalled, not reporting)
 * @param etaLowSeconds the range's short end, null with {@code etaSeconds}
 * @param etaHighSeconds the range's long end, null with {@code etaSeconds}
 * @param reportedAtMs when the controller received the report (epoch ms, its clock); null, and
 *     then left out of the JSON, in what the job sends
 */
public record PushProgressReport(String phase, String state, long recordsWritten,
    long totalRecords, double recordsPerSecond, Double etaSeconds, Double etaLowSeconds,
    Double etaHighSeconds, @JsonInclude(JsonInclude.Include.NON_NULL) Long reportedAtMs) {
  /** A report older than this (15 s, three missed reports and more) is shown as not reporting. */
  public static final long STALE_AFTER_MS = 15_000;
}
