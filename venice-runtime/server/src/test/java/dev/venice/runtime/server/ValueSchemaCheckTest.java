package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.server.ValueSchemaCheck.Verdict;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The real-time value check with a registry we control and a manual clock. */
class ValueSchemaCheckTest {
  private static final String USER = """
      {"type": "record", "name": "User", "fields": [{"name": "name", "type": "string"}]}""";
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Map<Integer, String> registered = new TreeMap<>(Map.of(1, USER));
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();
  private final ValueSchemaCheck check = new ValueSchemaCheck("users", store -> {
    loads.incrementAndGet();
    return Map.copyOf(registered);
  }, nanos::get, Duration.ofSeconds(30));

  @Test
  void aValidEncodingOfARegisteredSchemaPasses() {
    assertEquals(Verdict.VALID, check.check(1, user("ada")));
    assertEquals(Verdict.VALID, check.check(1, user("grace")));
    assertEquals(1, loads.get(), "schemas are cached");
  }

  @Test
  void bytesThatAreNotAnEncodingOfTheSchemaAreASchemaViolation() {
    assertEquals(Verdict.INVALID, check.check(1, new byte[] {0x7F})); // a negative length
    assertEquals("schema-violation", check.problem().reason());
    assertTrue(check.problem().detail().startsWith("value schema 1 of store users: 1 bytes are"
        + " not a valid User encoding: "), check.problem().detail());
    byte[] trailing = new byte[user("ada").length + 1];
    System.arraycopy(user("ada"), 0, trailing, 0, trailing.length - 1);
    assertEquals(Verdict.INVALID, check.check(1, trailing));
    assertEquals("schema-violation", check.problem().reason());
    assertEquals(Verdict.VALID, check.check(1, user("ada")), "the reused decoder recovers");
  }

  @Test
  void aSchemaRegisteredMomentsAgoIsWaitedForAndFound() {
    assertEquals(Verdict.VALID, check.check(1, user("ada")));
    assertEquals(Verdict.WAIT, check.check(2, user("ada")), "not there yet: wait, do not skip");
    assertEquals(2, loads.get(), "the first miss of an id reloads at once");
    registered.put(2, USER);
    nanos.addAndGet(SECOND / 2);
    assertEquals(Verdict.WAIT, check.check(2, user("ada")), "reloads at most once a second");
    assertEquals(2, loads.get());
    nanos.addAndGet(SECOND / 2);
    assertEquals(Verdict.VALID, check.check(2, user("ada")), "found on the next reload");
    assertEquals(3, loads.get());
  }

  @Test
  void anIdStillUnknownAfterTheWaitIsADeadLetter() {
    assertEquals(Verdict.WAIT, check.check(99, user("ada")));
    nanos.addAndGet(29 * SECOND);
    assertEquals(Verdict.WAIT, check.check(99, user("ada")));
    nanos.addAndGet(SECOND);
    assertEquals(Verdict.INVALID, check.check(99, user("ada")));
    assertEquals("unknown-schema", check.problem().reason());
    assertEquals("value schema id 99 is not registered for store users (registered: [1])",
        check.problem().detail());
  }

  private static byte[] user(String name) {
    Schema schema = new Schema.Parser().parse(USER);
    GenericRecord record = new GenericData.Record(schema);
    record.put("name", name);
    return AvroSerde.serialize(schema, record);
  }
}
