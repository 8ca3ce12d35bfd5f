package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.meta.CompressionStrategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** Entries of {@code <store>_dlq}: copies merged, newest kept, keys and values decoded. */
class InspectDlqCommandTest {
  private static final String KEY = "\"string\"";
  private static final String VALUE = "{\"type\": \"record\", \"name\": \"User\", \"fields\": ["
      + "{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"age\", \"type\": \"int\"}]}";
  private static final InspectDlqCommand.Decoder DECODER = new InspectDlqCommand.Decoder(
      new StoreSchemas("users", KEY, List.of(new ValueSchema(1, VALUE, 0))),
      CompressionStrategy.NO_OP);

  private static InspectDlqCommand.Entry entry(long dlqOffset, String sourceTopic,
      long sourceOffset, long at, String instance, String type, byte[] key, byte[] value) {
    Map<String, byte[]> h = new LinkedHashMap<>();
    h.put("dlq.format.version", b("1"));
    h.put("dlq.error.type", b(type));
    h.put("dlq.error.message", b("bad"));
    h.put("dlq.store", b("users"));
    h.put("dlq.version", b("1"));
    h.put("dlq.partition", b("0"));
    h.put("dlq.source.topic", b(sourceTopic));
    h.put("dlq.source.offset", b(Long.toString(sourceOffset)));
    h.put("dlq.source.timestamp", b("5"));
    h.put("dlq.timestamp", b(Long.toString(at)));
    h.put("dlq.instance", b(instance));
    h.put("trace", b("t1"));
    return new InspectDlqCommand.Entry(0, dlqOffset, key, value, h);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] key(String k) {
    return AvroSerde.serialize(new Schema.Parser().parse(KEY), k);
  }

  private static byte[] put(int schemaId, byte[] value) {
    return new Envelope(Envelope.MessageType.PUT, Envelope.ControlType.NONE, "p", 0, 0, -1,
        schemaId, value, CompressionStrategy.NO_OP).encode();
  }

  private static byte[] user(String name, int age) {
    Schema schema = new Schema.Parser().parse(VALUE);
    GenericData.Record r = new GenericData.Record(schema);
    r.put("name", name);
    r.put("age", age);
    return AvroSerde.serialize(schema, r);
  }

  @Test
  void copiesOfOneVersionTopicRecordAreMergedAndTheNewestAreKeptOldestFirst() {
    List<InspectDlqCommand.Entry> entries = new ArrayList<>();
    entries.add(entry(0, "users_v1", 10, 100, "a", "undecodable", key("k1"), new byte[] {1}));
    entries.add(entry(1, "users_v1", 10, 101, "b", "undecodable", key("k1"), new byte[] {1}));
    entries.add(entry(2, "users_rt", 3, 50, "a", "empty-key", new byte[0], put(1,
        user("x", 1))));
    entries.add(entry(3, "users_rt", 4, 200, "a", "unknown-schema", key("k2"),
        put(99, user("y", 2))));
    List<Map<String, Object>> rows = InspectDlqCommand.rows(entries, DECODER, 20);
    assertEquals(3, rows.size(), "two copies of users_v1 p0@10 are one entry");
    assertEquals(List.of("empty-key", "undecodable", "unknown-schema"),
        rows.stream().map(r -> r.get("errorType")).toList(), "by time kept, oldest first");
    assertEquals(2, rows.get(1).get("copies"));
    assertEquals(java.util.Set.of("a", "b"), rows.get(1).get("instances"));
    assertEquals(Map.of("trace", java.util.Base64.getEncoder().encodeToString(b("t1"))),
        rows.get(1).get("originalHeadersBase64"));

    List<Map<String, Object>> newest = InspectDlqCommand.rows(entries, DECODER, 1);
    assertEquals(1, newest.size());
    assertEquals("unknown-schema", newest.get(0).get("errorType"), "--limit keeps the newest");
  }

  @Test
  @SuppressWarnings("unchecked")
  void keysAndValuesAreDecodedWherePossibleElseHex() {
    List<Map<String, Object>> rows = InspectDlqCommand.rows(List.of(
        entry(0, "users_rt", 1, 1, "a", "schema-violation", key("k1"), put(1, new byte[] {0x7F})),
        entry(1, "users_rt", 2, 2, "a", "unknown-schema", key("k2"), put(99, user("y", 2))),
        entry(2, "users_rt", 3, 3, "a", "undecodable", new byte[] {(byte) 0xFF},
            new byte[] {1, 2, 3}),
        entry(3, "users_rt", 4, 4, "a", "rejected", key("k4"), put(1, user("z", 4)))),
        DECODER, 20);
    assertEquals("\"k1\"", rows.get(0).get("key").toString());
    Map<String, Object> violation = (Map<String, Object>) rows.get(0).get("value");
    assertEquals("PUT", violation.get("type"));
    assertTrue(violation.containsKey("decodeError"), violation.toString());
    assertEquals(java.util.HexFormat.of().formatHex(put(1, new byte[] {0x7F})),
        rows.get(0).get("valueHex"), "the envelope's bytes as kept");
    Map<String, Object> unknown = (Map<String, Object>) rows.get(1).get("value");
    assertTrue(String.valueOf(unknown.get("decodeError")).contains("99"), unknown.toString());
    assertNull(rows.get(2).get("value"), "an undecodable envelope has no decoded value");
    assertEquals("010203", rows.get(2).get("valueHex"));
    assertNull(rows.get(2).get("key"), "a key that is not a string of the key schema");
    assertEquals("ff", rows.get(2).get("keyHex"));
    Map<String, Object> good = (Map<String, Object>) rows.get(3).get("value");
    assertEquals("{\"name\":\"z\",\"age\":4}", good.get("value").toString());
  }
}
