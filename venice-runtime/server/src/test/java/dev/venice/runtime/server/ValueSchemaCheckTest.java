package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.data.AvroSerde;
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

  private final Map<Integer, String> registered = new TreeMap<>(Map.of(1, USER));
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();
  private final ValueSchemaCheck check = new ValueSchemaCheck("users", store -> {
    loads.incrementAndGet();
    return Map.copyOf(registered);
  }, nanos::get);

  @Test
  void aValidEncodingOfARegisteredSchemaPasses() {
    assertNull(check.check(1, user("ada")));
    assertNull(check.check(1, user("grace")));
    assertEquals(1, loads.get(), "schemas are cached");
  }

  @Test
  void bytesThatAreNotAnEncodingOfTheSchemaAreASchemaViolation() {
    ValueSchemaCheck.Problem negativeLength = check.check(1, new byte[] {0x7F});
    assertEquals("schema-violation", negativeLength.reason());
    assertTrue(negativeLength.detail().startsWith("value schema 1 of store users: "),
        negativeLength.detail());
    byte[] trailing = new byte[user("ada").length + 1];
    System.arraycopy(user("ada"), 0, trailing, 0, trailing.length - 1);
    assertEquals("schema-violation", check.check(1, trailing).reason());
  }

  @Test
  void anUnknownIdReloadsAtMostOnceASecondAndFindsALaterRegistration() {
    assertNull(check.check(1, user("ada")));
    ValueSchemaCheck.Problem unknown = check.check(2, user("ada"));
    assertEquals("unknown-schema", unknown.reason());
    assertEquals("value schema id 2 is not registered for store users (registered: [1])",
        unknown.detail());
    registered.put(2, USER);
    assertEquals("unknown-schema", check.check(2, user("ada")).reason(), "no reload yet");
    assertEquals(1, loads.get());
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertNull(check.check(2, user("ada")), "reloaded a second later");
    assertEquals(2, loads.get());
  }

  private static byte[] user(String name) {
    Schema schema = new Schema.Parser().parse(USER);
    GenericRecord record = new GenericData.Record(schema);
    record.put("name", name);
    return AvroSerde.serialize(schema, record);
  }
}
