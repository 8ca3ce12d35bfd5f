package dev.venice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.data.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/** Converts between JSON given on the command line and Avro data, with Avro's JSON encoding. */
public final class AvroJson {
  private AvroJson() {}

  /**
   * Parses {@code json} as a datum of {@code schema}, strictly: one JSON value and nothing after
   * it, in Avro's JSON encoding. A mismatch names the option and the schema.
   */
  public static Object parse(String option, Schema schema, String json) {
    if (json.isBlank()) {
      throw new CliException(option + " is empty; give JSON of the schema " + schema
          + " (a string key is quoted: '\"alice\"')");
    }
    JsonNode node;
    try {
      node = StrictJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CliException(option + " " + json + " is not JSON: " + e.getOriginalMessage());
    }
    try {
      return new GenericDatumReader<>(schema).read(null,
          DecoderFactory.get().jsonDecoder(schema, node.toString()));
    } catch (IOException | AvroRuntimeException e) {
      throw new CliException(option + " " + json + " is not JSON of the schema " + schema
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /** The JSON of a datum (its own schema for records; {@code schema} otherwise). */
  public static JsonNode toJson(Schema schema, Object datum) {
    if (datum == null) {
      return null;
    }
    Schema actual = datum instanceof GenericData.Record r ? r.getSchema() : schema;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(actual, out);
      new GenericDatumWriter<>(actual).write(datum, encoder);
      encoder.flush();
      return Output.JSON.readTree(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot print a value as JSON: " + e.getMessage(), e);
    }
  }
}
