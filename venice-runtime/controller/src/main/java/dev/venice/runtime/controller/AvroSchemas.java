package dev.venice.runtime.controller;

import dev.venice.runtime.common.meta.SchemaCompatibility;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.AvroRuntimeException;

/** Parsing and compatibility checks of Avro schemas, with Avro's own rules. */
final class AvroSchemas {
  private AvroSchemas() {}

  /**
   * Parses a schema.
   *
   * @param what what the schema is, for the message ("key schema of store users")
   * @throws AdminApiException 400 naming {@code what} and Avro's reason
   */
  static Schema parse(String what, String json) {
    if (json == null || json.isBlank()) {
      throw AdminApiException.badRequest(what + " is missing");
    }
    try {
      return new Schema.Parser().parse(json);
    } catch (AvroRuntimeException | NullPointerException e) {
      throw new AdminApiException(400, "INVALID_SCHEMA",
          what + " is not a valid Avro schema: " + e.getMessage());
    }
  }

  /**
   * The reasons {@code candidate} may not follow {@code earlier} under {@code mode}; empty when it
   * may. Each reason names the direction, the location (field path) and Avro's message.
   */
  static List<String> incompatibilities(Schema candidate, Schema earlier, int earlierId,
      SchemaCompatibility mode) {
    List<String> reasons = new ArrayList<>();
    if (mode == SchemaCompatibility.FULL || mode == SchemaCompatibility.BACKWARD) {
      describe(org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier),
          "new schema cannot read data written with value schema " + earlierId, reasons);
    }
    if (mode == SchemaCompatibility.FULL || mode == SchemaCompatibility.FORWARD) {
      describe(org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate),
          "value schema " + earlierId + " cannot read data written with the new schema", reasons);
    }
    return reasons;
  }

  private static void describe(SchemaPairCompatibility result, String direction,
      List<String> reasons) {
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      reasons.add(direction + ": at " + incompatibility.getLocation() + ": "
          + incompatibility.getType() + " " + incompatibility.getMessage());
    }
  }
}
