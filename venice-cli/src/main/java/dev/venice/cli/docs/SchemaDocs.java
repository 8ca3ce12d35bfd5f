package dev.venice.cli.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.schema.SchemaWords;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * A store's value schemas as one Markdown page (seed project 42): the description (the latest
 * value schema's {@code doc}: a store has no description of its own), the store's settings, every
 * value schema version with its registration time, and the latest version's field table (name,
 * type, default, doc). Nested records, and records inside arrays, maps and unions, are expanded
 * inline below their field, indented one step per level and named by their dotted path ({@code
 * address.zip}, {@code tags[].name}, {@code attributes{}.value}); a named type (record, enum,
 * fixed) is written out at its first use only and referenced after that ({@code record Address
 * (see `home`)}), which also ends recursion. Types read as words: {@code ["null", "string"]} is
 * {@code string (nullable)}, other unions {@code one of int, string}, {@code array of string},
 * {@code map of long}, {@code enum Color (RED, BLUE)}, {@code fixed Hash (16 bytes)}, logical
 * types in parentheses ({@code long (timestamp-millis)}). Stateless and thread-safe.
 */
public final class SchemaDocs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String INDENT = "&nbsp;&nbsp;&nbsp;&nbsp;";

  private SchemaDocs() {}

  /**
   * The page of {@code store}.
   *
   * @param schemas its schemas, value schemas by increasing id (at least one)
   */
  public static String page(Store store, StoreSchemas schemas) {
    List<ValueSchema> versions = schemas.valueSchemas();
    ValueSchema latest = versions.get(versions.size() - 1);
    Schema value = new Schema.Parser().parse(latest.schema());
    StringBuilder out = new StringBuilder();
    out.append("# Store `").append(store.name()).append("`\n\n");
    out.append(value.getDoc() != null && !value.getDoc().isBlank() ? cell(value.getDoc())
        : "No description: the value schema has no `doc`.").append("\n\n");
    out.append("| setting | value |\n| --- | --- |\n")
        .append("| key schema | ").append(code(type(new Schema.Parser().parse(
            schemas.keySchema())))).append(" |\n")
        .append("| current version | ").append(store.currentVersion() == 0 ? "none"
            : String.valueOf(store.currentVersion())).append(" |\n")
        .append("| partitions | ").append(store.partitionCount()).append(" |\n")
        .append("| replication factor | ").append(store.replicationFactor()).append(" |\n")
        .append("| compression | ").append(store.compressionStrategy()).append(" |\n")
        .append("| hybrid | ").append(store.hybrid() == null ? "no" : "yes").append(" |\n")
        .append("| schema compatibility | ").append(store.schemaCompatibility())
        .append(" |\n\n");
    out.append("## Value schema versions\n\n| version | registered | fields |\n"
        + "| --- | --- | --- |\n");
    for (ValueSchema version : versions) {
      Schema schema = new Schema.Parser().parse(version.schema());
      out.append("| ").append(version.id()).append(" | ")
          .append(TIME.format(Instant.ofEpochMilli(version.registeredAtMs()))).append(" | ")
          .append(schema.getType() == Schema.Type.RECORD ? schema.getFields().size() : "-")
          .append(" |\n");
    }
    out.append("\n## Fields of value schema ").append(latest.id()).append(" (the latest)\n\n");
    out.append(fieldTable(value));
    return out.toString();
  }

  /**
   * The field table of a value schema: one row per field, nested records' fields below their
   * field, indented. A schema that is not a record gets one row for the value itself.
   */
  static String fieldTable(Schema value) {
    StringBuilder rows = new StringBuilder("| field | type | default | doc |\n"
        + "| --- | --- | --- | --- |\n");
    Map<String, String> seen = new HashMap<>(); // named type -> the path it was expanded at
    if (value.getType() == Schema.Type.RECORD) {
      seen.put(value.getFullName(), "");
      fields(value, "", 0, seen, rows);
    } else {
      List<Nested> nested = new ArrayList<>();
      rows.append("| (the value) | ").append(type(value, "", seen, nested)).append(" |  |  |\n");
      expandAll(nested, 0, seen, rows);
    }
    return rows.toString();
  }

  /** A record met for the first time in a field's type, to expand below the field. */
  private record Nested(Schema record, String path) {}

  private static void fields(Schema record, String prefix, int depth, Map<String, String> seen,
      StringBuilder rows) {
    for (Schema.Field field : record.getFields()) {
      String path = prefix + field.name();
      List<Nested> nested = new ArrayList<>();
      rows.append("| ").append(INDENT.repeat(depth)).append(code(path)).append(" | ")
          .append(type(field.schema(), path, seen, nested)).append(" | ")
          .append(field.hasDefaultValue() ? code(defaultJson(field)) : "").append(" | ")
          .append(field.doc() == null ? "" : cell(field.doc())).append(" |\n");
      expandAll(nested, depth + 1, seen, rows);
    }
  }

  private static void expandAll(List<Nested> nested, int depth, Map<String, String> seen,
      StringBuilder rows) {
    for (Nested n : nested) {
      fields(n.record(), n.path().isEmpty() ? "" : n.path() + ".", depth, seen, rows);
    }
  }

  /** A type as words, without the bookkeeping of first uses (the key schema's cell). */
  static String type(Schema schema) {
    return SchemaWords.of(schema);
  }

  /**
   * A type as words ({@link SchemaWords}): a named type met for the first time is written in
   * full and recorded in {@code seen} with {@code path}, a record among them added to {@code
   * nested} for expansion; one met before is referenced.
   */
  private static String type(Schema schema, String path, Map<String, String> seen,
      List<Nested> nested) {
    return SchemaWords.of(schema, path, (named, at) -> {
      String where = seen.get(named.getFullName());
      if (where != null) {
        return named.getType().getName() + " " + named.getName() + " (see "
            + (where.isEmpty() ? "the value schema" : code(where)) + ")";
      }
      seen.put(named.getFullName(), at);
      if (named.getType() == Schema.Type.RECORD) {
        nested.add(new Nested(named, at));
      }
      return SchemaWords.inFull(named);
    });
  }

  private static String defaultJson(Schema.Field field) {
    Object value = field.defaultVal();
    if (value == null || value == JsonProperties.NULL_VALUE) {
      return "null";
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  private static String code(String text) {
    return "`" + text.replace("`", "'") + "`";
  }

  /** Text safe in a table cell: pipes escaped, line breaks as spaces. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
