package dev.venice.runtime.common.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Avro binary serialization of keys and values (generic data). */
public final class AvroSerde {
  private AvroSerde() {}

  /**
   * Serializes {@code datum} with {@code schema}.
   *
   * @throws IllegalArgumentException naming the schema when the datum does not fit it
   */
  public static byte[] serialize(Schema schema, Object datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new GenericDatumWriter<>(schema).write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("value " + abbreviate(datum) + " does not fit schema "
          + schema.getFullName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Deserializes bytes written with {@code writer}, projected onto {@code reader}.
   *
   * @throws IllegalArgumentException when the bytes are not a complete encoding
   */
  public static Object deserialize(Schema writer, Schema reader, byte[] bytes) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
    try {
      Object datum = new GenericDatumReader<>(writer, reader).read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IOException("trailing bytes after the datum");
      }
      return datum;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(bytes.length + " bytes are not a valid "
          + writer.getFullName() + " encoding: " + e.getMessage(), e);
    }
  }

  /** Whether {@code bytes} is exactly one valid encoding of {@code schema}. */
  public static boolean isValid(Schema schema, byte[] bytes) {
    try {
      deserialize(schema, schema, bytes);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String abbreviate(Object datum) {
    String text = String.valueOf(datum);
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
