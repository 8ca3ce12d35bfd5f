package dev.venice.plugins.deadletterqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The record format, version 1: bytes unchanged, headers exact and in order. */
class DeadLetterEncoderTest {
  private final DeadLetterEncoder encoder = new DeadLetterEncoder(() -> 1_700_000_000_123L,
      "host_7002");

  static DeadLetterRecord letter(byte[] key, byte[] value, Map<String, byte[]> headers,
      String message) {
    return new DeadLetterRecord("users", 3, 1, "users_rt", 42, 1_699_999_999_000L, key, value,
        headers, "schema-violation", message, true);
  }

  @Test
  void keyAndValueAreTheSameBytesAndTheHeadersAreExact() {
    byte[] key = {1, 2, 3};
    byte[] value = {0x7F, 0, -1};
    DeadLetterMessage m = encoder.encode(letter(key, value, Map.of(), "bad length -64"));
    assertEquals("users_dlq", m.topic());
    assertSame(key, m.key(), "the original key, not a re-encoding");
    assertSame(value, m.value(), "the original value");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("dlq.format.version", "1");
    expected.put("dlq.error.type", "schema-violation");
    expected.put("dlq.error.message", "bad length -64");
    expected.put("dlq.store", "users");
    expected.put("dlq.version", "3");
    expected.put("dlq.partition", "1");
    expected.put("dlq.source.topic", "users_rt");
    expected.put("dlq.source.offset", "42");
    expected.put("dlq.source.timestamp", "1699999999000");
    expected.put("dlq.timestamp", "1700000000123");
    expected.put("dlq.instance", "host_7002");
    assertEquals(new ArrayList<>(expected.entrySet()), text(m));
  }

  @Test
  void originalHeadersAreKeptAndNeverClash() {
    Map<String, byte[]> original = new LinkedHashMap<>();
    original.put("trace", new byte[] {9});
    original.put("dlq.error.type", "forged".getBytes(StandardCharsets.UTF_8));
    original.put("empty", null);
    DeadLetterMessage m = encoder.encode(letter(new byte[] {1}, new byte[] {2}, original, "x"));
    assertArrayEquals(new byte[] {9}, m.headers().get("trace"));
    assertTrue(m.headers().containsKey("empty"));
    assertNull(m.headers().get("empty"));
    assertEquals("schema-violation", new String(m.headers().get("dlq.error.type"),
        StandardCharsets.UTF_8), "the plugin's own header wins");
    assertEquals("forged", new String(m.headers().get("dlq.original.dlq.error.type"),
        StandardCharsets.UTF_8));
  }

  @Test
  void aLongMessageIsCutAndMissingKeyOrValueStayMissing() {
    DeadLetterMessage m = encoder.encode(letter(null, null, Map.of(), "e".repeat(10_000)));
    assertNull(m.key());
    assertNull(m.value());
    assertEquals(DeadLetterEncoder.MAX_MESSAGE_CHARS, new String(
        m.headers().get("dlq.error.message"), StandardCharsets.UTF_8).length());
  }

  private static List<Map.Entry<String, String>> text(DeadLetterMessage m) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    m.headers().forEach((k, v) -> out.add(Map.entry(k, new String(v, StandardCharsets.UTF_8))));
    return out;
  }
}
