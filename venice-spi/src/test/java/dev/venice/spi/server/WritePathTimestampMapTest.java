package dev.venice.spi.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code write-path-timestamp-map} header's encoding and the record's header copy. */
class WritePathTimestampMapTest {
  @Test
  void aProducerStampIsEightBytesAndTheLeaderAddsEightMore() {
    WritePathTimestampMap produced = WritePathTimestampMap.produced(1_700_000_000_123_456L);
    assertArrayEquals(ByteBuffer.allocate(8).putLong(1_700_000_000_123_456L).array(),
        produced.encode());
    WritePathTimestampMap received = produced.leaderReceived(1_700_000_000_223_456L);
    assertEquals(16, received.encode().length);
    assertEquals(received, WritePathTimestampMap.parse(received.encode()).orElseThrow());
    assertEquals(produced, WritePathTimestampMap.parse(produced.encode()).orElseThrow());
  }

  @Test
  void aLongerMapYieldsItsFirstTwoStampsAndOtherLengthsNothing() {
    byte[] three = ByteBuffer.allocate(24).putLong(1).putLong(2).putLong(3).array();
    assertEquals(new WritePathTimestampMap(1, 2), WritePathTimestampMap.parse(three)
        .orElseThrow());
    assertTrue(WritePathTimestampMap.parse(null).isEmpty());
    assertTrue(WritePathTimestampMap.parse(new byte[0]).isEmpty());
    assertTrue(WritePathTimestampMap.parse(new byte[12]).isEmpty());
  }

  @Test
  void stampsAreEpochMicroseconds() {
    assertEquals(1_700_000_000_123_456L, WritePathTimestampMap.epochMicros(
        Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
  }

  @Test
  void theOldConstructorGivesNoHeadersAndNoLeader() {
    IngestionRecord record = new IngestionRecord("s", 1, 0, 5, "s_v1", RecordType.DELETE,
        new byte[] {1}, null, -1, 0, new StageTimings());
    assertEquals(Map.of(), record.headers());
    assertEquals(false, record.leader());
  }
}
