package dev.venice.it;

import dev.venice.runtime.common.data.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Keys and values of the tests' user store. */
public final class Data {
  static final Schema KEY = Schema.create(Schema.Type.STRING);
  static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  private Data() {}

  static byte[] key(String id) {
    return AvroSerde.serialize(KEY, id);
  }

  static byte[] user(String name, int age) {
    return AvroSerde.serialize(USER, userRecord(name, age));
  }

  /** A value of the user schema ({@link Schemas#USER_V1}). */
  public static GenericRecord userRecord(String name, int age) {
    GenericRecord record = new GenericData.Record(USER);
    record.put("name", name);
    record.put("age", age);
    return record;
  }

  /**
   * Writes {@code count} JSON lines for a push: key {@code <keyPrefix><i>}, value {@code name-<i>}
   * aged {@code ageOffset + i}.
   *
   * @return {@code file}
   */
  public static Path userLines(Path file, String keyPrefix, int count, int ageOffset)
      throws IOException {
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add("{\"key\": \"" + keyPrefix + i + "\", \"value\": {\"name\": \"name-" + i
          + "\", \"age\": " + (ageOffset + i) + "}}");
    }
    return Files.write(file, lines);
  }
}
