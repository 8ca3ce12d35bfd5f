package dev.venice.runtime.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a new leader of a hybrid partition starts copying the real-time topic: always a concrete
 * offset, decided before the first record is read (never Kafka's lazily resolved {@code
 * seekToEnd}, which settles at the next {@code position()} and skips whatever was written in
 * between).
 *
 * <ol>
 *   <li>After the real-time offset stamped on the last record a leader (this one or any previous)
 *       copied into the version topic: {@code lastCopied + 1}.
 *   <li>For a fresh version: the first real-time offset whose timestamp is at or after {@code now -
 *       rewindSeconds} (Kafka's {@code offsetsForTimes}).
 *   <li>When no record is that recent: the partition's log-end offset, read <em>before</em> the time
 *       lookup, so a record written after the lookup (and so missing from it) is at or past the
 *       start.
 * </ol>
 *
 * A start before the partition's first retained offset (retention deleted what a previous leader
 * had not copied yet) moves to that first offset and counts the records lost; a start past the log
 * end (the real-time topic was recreated) moves to the log end. A time look-up that lands past the
 * log end read before it (records written meanwhile with older timestamps) starts at that end.
 */
public final class LeaderStartPosition {
  private LeaderStartPosition() {}

  /** The offsets of one real-time partition, each a concrete look-up. */
  public interface RealTimeOffsets {
    /** The first retained offset. */
    long beginning();

    /** The log-end offset (the offset the next record will get). */
    long end();

    /** The first offset whose timestamp is at or after {@code timestampMs}, if any. */
    OptionalLong firstAtOrAfter(long timestampMs);

    /**
     * The offsets of {@code partition} through {@code consumer}: blocking look-ups, each failing
     * with Kafka's {@code TimeoutException} after {@code timeout}.
     */
    static RealTimeOffsets of(Consumer<?, ?> consumer, TopicPartition partition,
        Duration timeout) {
      return new RealTimeOffsets() {
        @Override
        public long beginning() {
          return consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        }

        @Override
        public long end() {
          return consumer.endOffsets(List.of(partition), timeout).get(partition);
        }

        @Override
        public OptionalLong firstAtOrAfter(long timestampMs) {
          OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, timestampMs),
              timeout).get(partition);
          return found == null ? OptionalLong.empty() : OptionalLong.of(found.offset());
        }
      };
    }
  }

  /**
   * A start offset and why.
   *
   * @param offset the first real-time offset to copy
   * @param reason how it was chosen, for the log
   * @param lostRecords real-time records deleted by retention before they were copied (0 almost
   *     always)
   */
  public record Start(long offset, String reason, long lostRecords) {
    Start(long offset, String reason) {
      this(offset, reason, 0);
    }
  }

  /**
   * Decides where to start.
   *
   * @param lastCopiedOffset the real-time offset stamped on the last copied record this replica
   *     has applied from the version topic (after catching up with it), or -1 when none
   * @param rewindFromMs {@code now - rewindSeconds}, epoch milliseconds
   */
  public static Start decide(long lastCopiedOffset, long rewindFromMs, RealTimeOffsets offsets) {
    long beginning = offsets.beginning();
    long end = offsets.end(); // before the time look-up: see the class comment
    Start start;
    if (lastCopiedOffset >= 0) {
      start = new Start(lastCopiedOffset + 1, "after the last copied real-time offset "
          + lastCopiedOffset);
    } else {
      OptionalLong rewound = offsets.firstAtOrAfter(rewindFromMs);
      start = rewound.isPresent()
          ? new Start(Math.min(rewound.getAsLong(), end), "the first record within the rewind"
              + " time")
          : new Start(end, "the log end: no record within the rewind time");
    }
    if (start.offset() < beginning) {
      return new Start(beginning, start.reason() + ", moved to the first retained offset "
          + beginning + ": real-time offsets " + start.offset() + " to " + (beginning - 1)
          + " were deleted by retention before they were copied", beginning - start.offset());
    }
    if (start.offset() > end) {
      return new Start(end, start.reason() + ", moved to the log end " + end + ": the real-time"
          + " topic holds fewer records than were copied (it was recreated)");
    }
    return start;
  }
}
