package dev.venice.it;

import dev.venice.runtime.common.data.AvroSerde;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Keys and values of the tests' user store. */
final class Data {
  static final Schema KEY = Schema.create(Schema.Type.STRING);
  static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  private Data() {}

  static byte[] key(String id) {
    return AvroSerde.serialize(KEY, id);
  }

  static byte[] user(String name, int age) {
    GenericRecord record = new GenericData.Record(USER);
    record.put("name", name);
    record.put("age", age);
    return AvroSerde.serialize(USER, record);
  }
}
