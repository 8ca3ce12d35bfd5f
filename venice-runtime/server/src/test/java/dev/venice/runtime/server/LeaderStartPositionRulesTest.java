package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.runtime.server.LeaderStartPosition.RealTimeOffsets;
import dev.venice.runtime.server.LeaderStartPosition.Start;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The edges of the start rule with a partition described by numbers (the common cases run
 * against real Kafka in {@code it/.../LeaderStartPositionTest}).
 */
class LeaderStartPositionRulesTest {
  /** A partition holding offsets {@code beginning} to {@code end - 1}. */
  private static RealTimeOffsets partition(long beginning, long end, OptionalLong rewound) {
    return new RealTimeOffsets() {
      @Override
      public long beginning() {
        return beginning;
      }

      @Override
      public long end() {
        return end;
      }

      @Override
      public OptionalLong firstAtOrAfter(long timestampMs) {
        return rewound;
      }
    };
  }

  @Test
  void recordsDeletedByRetentionBeforeTheyWereCopiedAreCountedAsLost() {
    Start start = LeaderStartPosition.decide(9, 0, partition(25, 40, OptionalLong.empty()));
    assertEquals(25, start.offset());
    assertEquals(15, start.lostRecords());
  }

  @Test
  void aStartPastTheLogEndMovesToIt() {
    Start start = LeaderStartPosition.decide(99, 0, partition(0, 40, OptionalLong.empty()));
    assertEquals(40, start.offset());
    assertEquals(0, start.lostRecords());
  }

  @Test
  void aTimeLookUpPastTheLogEndReadBeforeItStartsAtThatEnd() {
    // records written after the end was read, with timestamps older than the rewind time
    assertEquals(40, LeaderStartPosition.decide(-1, 0, partition(0, 40, OptionalLong.of(43)))
        .offset());
  }

  @Test
  void nothingIsLostInTheUsualCases() {
    assertEquals(new Start(10, "after the last copied real-time offset 9"),
        LeaderStartPosition.decide(9, 0, partition(0, 40, OptionalLong.of(3))));
    assertEquals(new Start(3, "the first record within the rewind time"),
        LeaderStartPosition.decide(-1, 0, partition(0, 40, OptionalLong.of(3))));
  }
}
