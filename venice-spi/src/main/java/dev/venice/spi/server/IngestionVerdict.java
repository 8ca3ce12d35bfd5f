package dev.venice.spi.server;

import java.util.Objects;

/**
 * What an {@link IngestionRecordHook} decides about a record: apply it, or reject it to the
 * dead-letter path (logged, counted, and kept by the DLQ plugin when one is installed; the partition
 * moves on).
 */
public final class IngestionVerdict {
  /** Apply the record. */
  public static final IngestionVerdict ACCEPT = new IngestionVerdict(null);

  private final String rejectReason;

  private IngestionVerdict(String rejectReason) {
    this.rejectReason = rejectReason;
  }

  /** Reject the record to the dead-letter path, with a reason an operator can act on. */
  public static IngestionVerdict reject(String reason) {
    return new IngestionVerdict(Objects.requireNonNull(reason, "reason"));
  }

  /** Whether the record is rejected. */
  public boolean rejected() {
    return rejectReason != null;
  }

  /** The reason for a rejection, {@code null} when accepted. */
  public String reason() {
    return rejectReason;
  }
}
