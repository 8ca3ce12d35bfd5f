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
    for (CompressionStrategy strategy : CompressionStrategy.values()) {
      byte[] packed = Compression.compress(strategy, value);
      assertArrayEquals(value, Compression.decompress(strategy, packed), strategy.name());
      if (strategy != CompressionStrategy.NO_OP) {
        assertTrue(packed.length < value.length, strategy.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Compression.decompress(strategy, new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().startsWith("not valid " + strategy.name()), e.getMessage());
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
