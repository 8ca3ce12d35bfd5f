package dev.venice.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.meta.Store;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDocs}: the field table (types in words, unions as nullable, nested records inline
 * and indented, named types written once, recursion ended, defaults and docs) and the page
 * (description, settings, versions with registration times).
 */
class SchemaDocsTest {
  private static final String USER = """
      {"type": "record", "name": "User", "namespace": "dev.venice.demo",
       "doc": "A user of the demo | with a pipe.",
       "fields": [
        {"name": "name", "type": "string", "doc": "The user's name.\\nSecond line."},
        {"name": "city", "type": ["null", "string"], "default": null},
        {"name": "age", "type": "int", "default": 0},
        {"name": "home", "type": {"type": "record", "name": "Address", "fields": [
          {"name": "street", "type": "string"},
          {"name": "geo", "type": {"type": "record", "name": "Geo", "fields": [
            {"name": "lat", "type": "double"}]}}]}},
        {"name": "work", "type": ["null", "Address"], "default": null},
        {"name": "tags", "type": {"type": "array", "items": {"type": "record", "name": "Tag",
          "fields": [{"name": "label", "type": "string"}]}}, "default": []},
        {"name": "scores", "type": {"type": "map", "values": "long"}},
        {"name": "status", "type": {"type": "enum", "name": "Status",
          "symbols": ["ACTIVE", "GONE"]}, "default": "ACTIVE"},
        {"name": "previous", "type": ["null", "Status"], "default": null},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}},
        {"name": "either", "type": ["int", "string"]},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "friend", "type": ["null", "User"], "default": null}]}
      """;

  private static List<String> rows(String table) {
    return table.lines().skip(2).toList();
  }

  @Test
  void theFieldTableReadsAsWordsWithNestedRecordsInlineAndNamedTypesOnce() {
    List<String> rows = rows(SchemaDocs.fieldTable(new Schema.Parser().parse(USER)));
    String indent = "&nbsp;&nbsp;&nbsp;&nbsp;";
    assertEquals(List.of(
        "| `name` | string |  | The user's name. Second line. |",
        "| `city` | string (nullable) | `null` |  |",
        "| `age` | int | `0` |  |",
        "| `home` | record Address |  |  |",
        "| " + indent + "`home.street` | string |  |  |",
        "| " + indent + "`home.geo` | record Geo |  |  |",
        "| " + indent + indent + "`home.geo.lat` | double |  |  |",
        "| `work` | record Address (see `home`) (nullable) | `null` |  |",
        "| `tags` | array of record Tag | `[]` |  |",
        "| " + indent + "`tags[].label` | string |  |  |",
        "| `scores` | map of long |  |  |",
        "| `status` | enum Status (ACTIVE, GONE) | `\"ACTIVE\"` |  |",
        "| `previous` | enum Status (see `status`) (nullable) | `null` |  |",
        "| `hash` | fixed Hash (16 bytes) |  |  |",
        "| `either` | one of int, string |  |  |",
        "| `at` | long (timestamp-millis) |  |  |",
        "| `friend` | record User (see the value schema) (nullable) | `null` |  |"), rows);
  }

  @Test
  void aValueThatIsNotARecordHasOneRow() {
    assertEquals(List.of("| (the value) | array of string |  |  |"), rows(SchemaDocs.fieldTable(
        new Schema.Parser().parse("{\"type\": \"array\", \"items\": \"string\"}"))));
  }

  @Test
  void thePageHasTheDescriptionSettingsVersionsAndTheLatestFields() {
    Store store = new Store("users", "\"string\"", 3, 2, CompressionStrategy.NO_OP, null,
        SchemaCompatibility.FULL, 2, 2, 2, List.of(), Map.of(), 0);
    String v1 = "{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"dev.venice.demo\","
        + " \"fields\": [{\"name\": \"name\", \"type\": \"string\"}]}";
    String page = SchemaDocs.page(store, new StoreSchemas("users", "\"string\"", List.of(
        new ValueSchema(1, v1, 1_764_633_600_000L), new ValueSchema(2, USER,
            1_764_640_800_000L))));
    assertTrue(page.startsWith("# Store `users`\n\nA user of the demo \\| with a pipe.\n"), page);
    assertTrue(page.contains("| key schema | `string` |"), page);
    assertTrue(page.contains("| partitions | 3 |") && page.contains("| replication factor | 2 |")
        && page.contains("| schema compatibility | FULL |"), page);
    assertTrue(page.contains("| 1 | 2025-12-02 00:00:00 UTC | 1 |\n| 2 | 2025-12-02 02:00:00 UTC"
        + " | 13 |"), page);
    assertTrue(page.contains("## Fields of value schema 2 (the latest)"), page);
    assertTrue(page.contains("`home.geo.lat`"), page);
  }
}
