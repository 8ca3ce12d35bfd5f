package dev.venice.runtime.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.data.StrictJson;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The strict reading of one JSON line of a push input, before Avro decodes it: exactly one JSON
 * object with nothing after it, the fields {@code key} and {@code value} only, no duplicate field,
 * and no field anywhere inside that the key or value schema does not have. Avro's JSON decoder
 * alone reads the first value of a line and ignores the rest, and skips unknown record fields, so
 * a truncated or concatenated line, or a misspelled field, would be pushed silently.
 */
final class JsonLines {
  private JsonLines() {}

  /**
   * Parses and checks one line.
   *
   * @param where the line's place for messages ({@code push into store s: f line 3})
   * @return the line's JSON object
   * @throws PushException naming the line and what is wrong with it
   */
  static JsonNode parseLine(String text, String where, Schema keySchema, Schema valueSchema,
      int valueSchemaId) {
    JsonNode json;
    try {
      json = StrictJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new PushException(where + " is not one JSON object: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()), e);
    }
    if (json == null || !json.isObject()) {
      throw new PushException(where + " is not a JSON object {\"key\": ..., \"value\": ...}",
          null);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("key") && !name.equals("value")) {
        throw new PushException(where + " has an unknown field '" + name + "'; a line has only"
            + " \"key\" and \"value\"", null);
      }
    }
    for (String required : new String[] {"key", "value"}) {
      if (!json.has(required)) {
        throw new PushException(where + " has no \"" + required + "\" field", null);
      }
    }
    String unknown = unknownField(keySchema, json.get("key"), "key");
    if (unknown == null) {
      unknown = unknownField(valueSchema, json.get("value"), "value");
    }
    if (unknown != null) {
      throw new PushException(where + " has the field " + unknown + ", which the store's "
          + (unknown.startsWith("key") ? "key schema" : "value schema " + valueSchemaId)
          + " does not have", null);
    }
    return json;
  }

  /**
   * The path of the first object field in {@code node} that {@code schema} has no field for, in
   * Avro's JSON encoding (a union value is {@code {"<branch name>": value}}), or {@code null}.
   * Type mismatches are left to Avro's decoder, which names them.
   */
  private static String unknownField(Schema schema, JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    switch (schema.getType()) {
      case RECORD -> {
        if (!node.isObject()) {
          return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          Schema.Field declared = schema.getField(field.getKey());
          String at = path + "." + field.getKey();
          if (declared == null) {
            return at;
          }
          String inner = unknownField(declared.schema(), field.getValue(), at);
          if (inner != null) {
            return inner;
          }
        }
        return null;
      }
      case UNION -> {
        if (!node.isObject() || node.size() != 1) {
          return null;
        }
        Map.Entry<String, JsonNode> branch = node.fields().next();
        for (Schema type : schema.getTypes()) {
          if (type.getFullName().equals(branch.getKey()) || type.getName().equals(branch.getKey())) {
            return unknownField(type, branch.getValue(), path);
          }
        }
        return null;
      }
      case ARRAY -> {
        if (!node.isArray()) {
          return null;
        }
        int i = 0;
        for (JsonNode element : node) {
          String inner = unknownField(schema.getElementType(), element, path + "[" + i++ + "]");
          if (inner != null) {
            return inner;
          }
        }
        return null;
      }
      case MAP -> {
        if (!node.isObject()) {
          return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          String inner = unknownField(schema.getValueType(), entry.getValue(),
              path + "[" + entry.getKey() + "]");
          if (inner != null) {
            return inner;
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }
}
