package dev.venice.runtime.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.meta.CompressionStrategy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class DataPlaneTest {
  @Test
  void partitionerIsStableAndSpreadsKeys() {
    int[] counts = new int[8];
    for (int i = 0; i < 8000; i++) {
      byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      int p = Partitioner.partition(key, 8);
      assertEquals(p, Partitioner.partition(key.clone(), 8));
      counts[p]++;
    }
    assertTrue(Arrays.stream(counts).allMatch(c -> c > 800 && c < 1200), Arrays.toString(counts));
    assertEquals(0, Partitioner.partition(new byte[0], 1));
    assertThrows(IllegalArgumentException.class, () -> Partitioner.partition(new byte[1], 0));
  }

  @Test
  void compressionRoundTripsAndRejectsGarbage() {
    byte[] value = "a value that repeats a value that repeats".repeat(20)
        .getBytes(StandardCharsets.UTF_8);
    CompressionDictionary dictionary = CompressionDictionary.of(value);
    for (CompressionStrategy strategy : CompressionStrategy.values()) {
      byte[] packed = Compression.compress(strategy, dictionary, value);
      assertArrayEquals(value, Compression.decompress(strategy, dictionary, packed),
          strategy.name());
      if (strategy != CompressionStrategy.NO_OP) {
        assertTrue(packed.length < value.length, strategy.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Compression.decompress(strategy, dictionary, new byte[] {1, 2, 3}));
        String name = strategy == CompressionStrategy.ZSTD_WITH_DICT ? "ZSTD" : strategy.name();
        assertTrue(e.getMessage().startsWith("not valid " + name), e.getMessage());
      }
    }
  }

  @Test
  void envelopesRoundTripAndMalformedOnesAreNamed() {
    Envelope put = new Envelope(Envelope.MessageType.PUT, Envelope.ControlType.NONE, "p1", 7L,
        123L, -1L, 2, new byte[] {9, 8}, CompressionStrategy.NO_OP);
    Envelope back = Envelope.decode(put.encode());
    assertEquals(put.sequence(), back.sequence());
    assertArrayEquals(put.value(), back.value());
    assertEquals(2, back.schemaId());
    Envelope copied = Envelope.decode(put.withUpstream("leader", 3L, 55L).encode());
    assertEquals("leader", copied.producerId());
    assertEquals(55L, copied.upstreamOffset());

    assertTrue(assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {9, 1}))
        .getMessage().startsWith("unknown envelope protocol version 9"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {1}))
        .getMessage().startsWith("envelope too short"));
    assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {1, 99, 99}));
  }

  @Test
  void envelopeVersionOneStillDecodesAndVersionTwoMayOmitTheProducerTimestamp() {
    Envelope stamped = new Envelope(Envelope.MessageType.PUT, Envelope.ControlType.NONE, "old",
        4L, 1_700_000_000_123L, 12L, 3, new byte[] {5}, CompressionStrategy.GZIP);
    byte[] v1 = stamped.encode((byte) 1);
    assertEquals(1, v1[0]);
    Envelope fromOldProducer = Envelope.decode(v1);
    assertEquals(1_700_000_000_123L, fromOldProducer.producerTimestampMs());
    assertEquals(12L, fromOldProducer.upstreamOffset());
    assertEquals(CompressionStrategy.GZIP, fromOldProducer.compression());
    assertArrayEquals(new byte[] {5}, fromOldProducer.value());

    byte[] v2 = stamped.encode();
    assertEquals(Envelope.PROTOCOL_VERSION, v2[0]);
    assertEquals(2, Envelope.PROTOCOL_VERSION);
    assertEquals(1_700_000_000_123L, Envelope.decode(v2).producerTimestampMs());
    assertTrue(Envelope.decode(v2).hasProducerTimestamp());

    Envelope unstamped = new Envelope(Envelope.MessageType.PUT, Envelope.ControlType.NONE, "new",
        0L, Envelope.NO_TIMESTAMP, -1L, 1, new byte[] {6}, CompressionStrategy.NO_OP);
    byte[] withoutTimestamp = unstamped.encode();
    assertTrue(withoutTimestamp.length < v2.length, "null is one byte, a timestamp six");
    Envelope back = Envelope.decode(withoutTimestamp);
    assertEquals(Envelope.NO_TIMESTAMP, back.producerTimestampMs());
    assertFalse(back.hasProducerTimestamp());
    assertEquals(Envelope.NO_TIMESTAMP, Envelope.decode(unstamped.encode((byte) 1))
        .producerTimestampMs());

    assertTrue(assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {3, 1}))
        .getMessage().contains("reads versions 1 to 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {0, 1}))
        .getMessage().startsWith("unknown envelope protocol version 0"));
  }

  @Test
  void avroSerdeValidatesEncodings() {
    Schema string = Schema.create(Schema.Type.STRING);
    byte[] bytes = AvroSerde.serialize(string, "hello");
    assertEquals("hello", AvroSerde.deserialize(string, string, bytes).toString());
    assertTrue(AvroSerde.isValid(string, bytes));
    assertFalse(AvroSerde.isValid(string, new byte[] {(byte) 0xFF}));
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    assertFalse(AvroSerde.isValid(string, trailing));
    assertThrows(IllegalArgumentException.class,
        () -> AvroSerde.serialize(Schema.create(Schema.Type.INT), "not an int"));
  }
}
