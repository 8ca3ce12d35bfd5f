package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Parsing of Avro schemas, with Avro's own rules, plus two checks Avro's parser leaves out: every
 * logical type must be valid for its type (the parser drops an invalid one silently, e.g. a
 * decimal with a negative precision), and the schema must be able to hold at least one value (an
 * empty union {@code []}, an enum with no symbols, or a record that can only contain itself
 * cannot, so no record could ever be written with it). Compatibility checks are {@link
 * ValueSchemaCheck}'s.
 */
final class AvroSchemas {
  private AvroSchemas() {}

  /**
   * Parses a schema.
   *
   * @param what what the schema is, for the message ("key schema of store users")
   * @throws AdminHttpException 400 naming {@code what} and Avro's reason, an invalid logical type
   *     or why the schema can hold no value
   */
  static Schema parse(String what, String json) {
    if (json == null || json.isBlank()) {
      throw AdminHttpException.badRequest(what + " is missing");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(json);
    } catch (AvroRuntimeException | NullPointerException e) {
      throw invalid(what, "is not a valid Avro schema: " + e.getMessage());
    }
    checkLogicalTypes(what, schema, "", Collections.newSetFromMap(new IdentityHashMap<>()));
    String empty = whyEmpty(schema, "", new HashSet<>(), new HashSet<>());
    if (empty != null) {
      throw invalid(what, "can hold no value: " + empty);
    }
    return schema;
  }

  private static AdminHttpException invalid(String what, String reason) {
    return new AdminHttpException(AdminErrorType.INVALID_SCHEMA, what + " " + reason);
  }

  /** Refuses a logical type Avro would ignore as invalid for its schema. */
  private static void checkLogicalTypes(String what, Schema schema, String path,
      Set<Schema> seen) {
    if (!seen.add(schema)) {
      return;
    }
    String logicalType = schema.getProp(LogicalType.LOGICAL_TYPE_PROP);
    if (logicalType != null) {
      try {
        LogicalTypes.fromSchema(schema);
      } catch (RuntimeException e) {
        throw invalid(what, "has an invalid logical type " + logicalType + " at "
            + (path.isEmpty() ? "the top" : path) + ": " + e.getMessage());
      }
    }
    switch (schema.getType()) {
      case RECORD -> schema.getFields().forEach(f -> checkLogicalTypes(what, f.schema(),
          path + "/" + f.name(), seen));
      case UNION -> schema.getTypes().forEach(t -> checkLogicalTypes(what, t, path + "/"
          + t.getName(), seen));
      case ARRAY -> checkLogicalTypes(what, schema.getElementType(), path + "/items", seen);
      case MAP -> checkLogicalTypes(what, schema.getValueType(), path + "/values", seen);
      default -> { }
    }
  }

  /**
   * Why no value can be written with {@code schema}, or {@code null} when one can. A record being
   * looked at further up ({@code enclosing}) counts as empty, so a record that can only contain
   * itself is found (the least fixed point: a value needs a finite way out). Records found able to
   * hold a value are remembered ({@code holding}: true in any context), so a schema reusing named
   * records many times over is checked in time linear in its size.
   */
  private static String whyEmpty(Schema schema, String path, Set<String> enclosing,
      Set<String> holding) {
    String at = path.isEmpty() ? "" : " at " + path;
    switch (schema.getType()) {
      case ENUM:
        return schema.getEnumSymbols().isEmpty() ? "enum " + schema.getFullName()
            + " has no symbols" + at : null;
      case UNION:
        if (schema.getTypes().isEmpty()) {
          return "an empty union []" + at;
        }
        String last = null;
        for (Schema branch : schema.getTypes()) {
          last = whyEmpty(branch, path, enclosing, holding);
          if (last == null) {
            return null;
          }
        }
        return "no branch of the union" + at + " can hold a value (" + last + ")";
      case RECORD:
        if (holding.contains(schema.getFullName())) {
          return null;
        }
        if (!enclosing.add(schema.getFullName())) {
          return "record " + schema.getFullName() + " contains itself" + at
              + " with no way out (make the field nullable or a collection)";
        }
        try {
          for (Schema.Field field : schema.getFields()) {
            String reason = whyEmpty(field.schema(), path + "/" + field.name(), enclosing,
                holding);
            if (reason != null) {
              return reason;
            }
          }
          holding.add(schema.getFullName());
          return null;
        } finally {
          enclosing.remove(schema.getFullName());
        }
      default:
        return null; // primitives, fixed, and arrays and maps (which may be empty)
    }
  }
}
