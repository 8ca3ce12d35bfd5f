package dev.venice.runtime.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.schema.SchemaDiff.Change;
import dev.venice.runtime.common.schema.SchemaDiff.Kind;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaDiff}: one case per shape of change, each with the exact changes expected
 * (path, kind, before and after in words), written from what a reader of the two schemas sees.
 */
class SchemaDiffTest {
  private static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }

  /** A record User in dev.venice.test with {@code fields}. */
  private static Schema user(String fields) {
    return parse("{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"dev.venice.test\","
        + " \"fields\": [" + fields + "]}");
  }

  private static Change change(String path, Kind kind, String before, String after) {
    return new Change(path, kind, before, after, "");
  }

  /** The changes without their detail sentence (checked separately where it matters). */
  private static void assertChanges(List<Change> expected, List<Change> actual) {
    assertEquals(expected, actual.stream()
        .map(c -> change(c.path(), c.kind(), c.before(), c.after())).toList());
  }

  @Test
  void identicalSchemasHaveNoChanges() {
    String fields = "{\"name\": \"name\", \"type\": \"string\", \"doc\": \"who\"},"
        + " {\"name\": \"age\", \"type\": [\"null\", \"int\"], \"default\": null},"
        + " {\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"string\"}}";
    assertEquals(List.of(), SchemaDiff.diff(user(fields), user(fields)));
    Schema recursive = parse(LINKED_LIST);
    assertEquals(List.of(), SchemaDiff.diff(recursive, parse(LINKED_LIST)));
  }

  @Test
  void addedField() {
    List<Change> changes = SchemaDiff.diff(
        user("{\"name\": \"name\", \"type\": \"string\"}"),
        user("{\"name\": \"name\", \"type\": \"string\"},"
            + " {\"name\": \"email\", \"type\": \"string\", \"default\": \"\"}"));
    assertChanges(List.of(change("email", Kind.ADDED, null, "string")), changes);
    assertEquals("field added with default \"\"", changes.get(0).detail());
  }

  @Test
  void removedField() {
    assertChanges(List.of(change("age", Kind.REMOVED, "int (nullable)", null)),
        SchemaDiff.diff(
            user("{\"name\": \"name\", \"type\": \"string\"},"
                + " {\"name\": \"age\", \"type\": [\"null\", \"int\"], \"default\": null}"),
            user("{\"name\": \"name\", \"type\": \"string\"}")));
  }

  @Test
  void typeChangedWithDefaultAndDoc() {
    assertChanges(List.of(
            change("age", Kind.TYPE_CHANGED, "int", "long"),
            change("age", Kind.DEFAULT_CHANGED, "0", "1"),
            change("age", Kind.DOC_CHANGED, null, "years")),
        SchemaDiff.diff(
            user("{\"name\": \"age\", \"type\": \"int\", \"default\": 0}"),
            user("{\"name\": \"age\", \"type\": \"long\", \"default\": 1, \"doc\": \"years\"}")));
  }

  @Test
  void logicalTypeChangeIsATypeChange() {
    assertChanges(List.of(change("born", Kind.TYPE_CHANGED, "int", "int (date)")),
        SchemaDiff.diff(user("{\"name\": \"born\", \"type\": \"int\"}"),
            user("{\"name\": \"born\", \"type\": {\"type\": \"int\","
                + " \"logicalType\": \"date\"}}")));
  }

  @Test
  void nestedThreeLevels() {
    String before = "{\"name\": \"address\", \"type\": {\"type\": \"record\", \"name\": \"Address\","
        + " \"fields\": [{\"name\": \"geo\", \"type\": {\"type\": \"record\", \"name\": \"Geo\","
        + " \"fields\": [{\"name\": \"point\", \"type\": {\"type\": \"record\", \"name\": \"Point\","
        + " \"fields\": [{\"name\": \"lat\", \"type\": \"float\"}%s]}}]}}]}}";
    assertChanges(List.of(
            change("address.geo.point.lat", Kind.TYPE_CHANGED, "float", "double"),
            change("address.geo.point.lon", Kind.ADDED, null, "double")),
        SchemaDiff.diff(user(String.format(before, "")),
            user(String.format(before, ", {\"name\": \"lon\", \"type\": \"double\"}")
                .replace("\"float\"", "\"double\""))));
  }

  @Test
  void nullableToNonNullIsOneTypeChangeAndTheRecordIsStillCompared() {
    String address = "{\"type\": \"record\", \"name\": \"Address\", \"fields\": ["
        + "{\"name\": \"city\", \"type\": \"string\"}%s]}";
    List<Change> changes = SchemaDiff.diff(
        user("{\"name\": \"email\", \"type\": [\"null\", \"string\"], \"default\": null},"
            + " {\"name\": \"address\", \"type\": [\"null\", " + String.format(address, "")
            + "], \"default\": null}"),
        user("{\"name\": \"email\", \"type\": \"string\", \"default\": \"\"},"
            + " {\"name\": \"address\", \"type\": " + String.format(address,
            ", {\"name\": \"zip\", \"type\": \"string\"}") + "}"));
    assertChanges(List.of(
        change("email", Kind.TYPE_CHANGED, "string (nullable)", "string"),
        change("email", Kind.DEFAULT_CHANGED, "null", "\"\""),
        change("address", Kind.TYPE_CHANGED, "record Address (nullable)", "record Address"),
        change("address.zip", Kind.ADDED, null, "string"),
        change("address", Kind.DEFAULT_CHANGED, "null", null)), changes);
    assertEquals("no longer nullable", changes.get(0).detail());
  }

  @Test
  void nullableTypeChangeIsReportedOnce() {
    List<Change> changes = SchemaDiff.diff(
        user("{\"name\": \"id\", \"type\": [\"null\", \"int\"]}"),
        user("{\"name\": \"id\", \"type\": \"string\"}"));
    assertChanges(List.of(change("id", Kind.TYPE_CHANGED, "int (nullable)", "string")), changes);
    assertEquals("type changed and no longer nullable", changes.get(0).detail());
  }

  @Test
  void arrayItemTypeChangeIsReportedAtTheItems() {
    assertChanges(List.of(
            change("tags[]", Kind.TYPE_CHANGED, "int", "long"),
            change("orders[].total", Kind.TYPE_CHANGED, "float", "double")),
        SchemaDiff.diff(
            user("{\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"int\"}},"
                + " {\"name\": \"orders\", \"type\": {\"type\": \"array\", \"items\": {\"type\":"
                + " \"record\", \"name\": \"Order\", \"fields\": [{\"name\": \"total\","
                + " \"type\": \"float\"}]}}}"),
            user("{\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"long\"}},"
                + " {\"name\": \"orders\", \"type\": {\"type\": \"array\", \"items\": {\"type\":"
                + " \"record\", \"name\": \"Order\", \"fields\": [{\"name\": \"total\","
                + " \"type\": \"double\"}]}}}")));
  }

  @Test
  void mapValues() {
    assertChanges(List.of(
            change("attrs{}", Kind.TYPE_CHANGED, "string", "string (nullable)"),
            change("places{}.zip", Kind.REMOVED, "int", null),
            change("places{}.postcode", Kind.ADDED, null, "string"),
            change("counts", Kind.TYPE_CHANGED, "map of long", "array of long")),
        SchemaDiff.diff(
            user("{\"name\": \"attrs\", \"type\": {\"type\": \"map\", \"values\": \"string\"}},"
                + " {\"name\": \"places\", \"type\": {\"type\": \"map\", \"values\": {\"type\":"
                + " \"record\", \"name\": \"Place\", \"fields\": [{\"name\": \"zip\", \"type\":"
                + " \"int\"}]}}},"
                + " {\"name\": \"counts\", \"type\": {\"type\": \"map\", \"values\": \"long\"}}"),
            user("{\"name\": \"attrs\", \"type\": {\"type\": \"map\", \"values\": [\"null\","
                + " \"string\"]}},"
                + " {\"name\": \"places\", \"type\": {\"type\": \"map\", \"values\": {\"type\":"
                + " \"record\", \"name\": \"Place\", \"fields\": [{\"name\": \"postcode\","
                + " \"type\": \"string\"}]}}},"
                + " {\"name\": \"counts\", \"type\": {\"type\": \"array\", \"items\": \"long\"}}")));
  }

  @Test
  void enumSymbolsChangedNamesTheSymbols() {
    String color = "{\"name\": \"color\", \"type\": {\"type\": \"enum\", \"name\": \"Color\","
        + " \"symbols\": [%s]}}";
    List<Change> changes = SchemaDiff.diff(user(String.format(color, "\"RED\", \"GREEN\"")),
        user(String.format(color, "\"RED\", \"BLUE\", \"BLACK\"")));
    assertChanges(List.of(change("color", Kind.TYPE_CHANGED, "enum Color (RED, GREEN)",
        "enum Color (RED, BLUE, BLACK)")), changes);
    assertEquals("symbols added: BLUE, BLACK; symbols removed: GREEN", changes.get(0).detail());
  }

  @Test
  void unionOfSeveralBranches() {
    String event = "{\"type\": \"record\", \"name\": \"Click\", \"fields\": [{\"name\": \"x\","
        + " \"type\": \"int\"}]}";
    List<Change> changes = SchemaDiff.diff(
        user("{\"name\": \"event\", \"type\": [\"null\", \"string\", " + event + "]}"),
        user("{\"name\": \"event\", \"type\": [\"null\", \"long\", "
            + event.replace("\"int\"", "\"long\"") + "]}"));
    assertChanges(List.of(
        change("event", Kind.TYPE_CHANGED, "one of string, record Click (nullable)",
            "one of long, record Click (nullable)"),
        change("event.x", Kind.TYPE_CHANGED, "int", "long")), changes);
    assertEquals("branches added: long; branches removed: string", changes.get(0).detail());
  }

  /** A linked list: a record that holds itself through a nullable field. */
  private static final String LINKED_LIST = "{\"type\": \"record\", \"name\": \"Node\","
      + " \"namespace\": \"dev.venice.test\", \"fields\": ["
      + "{\"name\": \"value\", \"type\": \"int\"},"
      + " {\"name\": \"next\", \"type\": [\"null\", \"Node\"], \"default\": null}]}";

  @Test
  void recursiveTypeEnds() {
    Schema after = parse(LINKED_LIST.replace("\"int\"", "\"long\"")
        .replace("\"default\": null}]}", "\"default\": null},"
            + " {\"name\": \"children\", \"type\": {\"type\": \"array\", \"items\": \"Node\"},"
            + " \"default\": []}]}"));
    assertChanges(List.of(
            change("value", Kind.TYPE_CHANGED, "int", "long"),
            change("children", Kind.ADDED, null, "array of record Node")),
        SchemaDiff.diff(parse(LINKED_LIST), after));
  }

  @Test
  void sharedNamedTypeIsComparedAtEachPath() {
    String address = "{\"type\": \"record\", \"name\": \"Address\", \"fields\": ["
        + "{\"name\": \"city\", \"type\": \"%s\"}]}";
    List<Change> changes = SchemaDiff.diff(
        user("{\"name\": \"home\", \"type\": " + String.format(address, "string") + "},"
            + " {\"name\": \"work\", \"type\": \"Address\"}"),
        user("{\"name\": \"home\", \"type\": " + String.format(address, "bytes") + "},"
            + " {\"name\": \"work\", \"type\": \"Address\"}"));
    assertChanges(List.of(
        change("home.city", Kind.TYPE_CHANGED, "string", "bytes"),
        change("work.city", Kind.TYPE_CHANGED, "string", "bytes")), changes);
  }

  @Test
  void valueThatIsNotARecord() {
    assertChanges(List.of(change("", Kind.TYPE_CHANGED, "string", "string (nullable)")),
        SchemaDiff.diff(parse("\"string\""), parse("[\"null\", \"string\"]")));
    assertChanges(List.of(change("[]", Kind.TYPE_CHANGED, "int", "long")),
        SchemaDiff.diff(parse("{\"type\": \"array\", \"items\": \"int\"}"),
            parse("{\"type\": \"array\", \"items\": \"long\"}")));
  }

  @Test
  void recordRenamedIsATypeChangeAndStillCompared() {
    Schema before = user("{\"name\": \"id\", \"type\": \"int\"}");
    Schema after = parse("{\"type\": \"record\", \"name\": \"Person\", \"namespace\":"
        + " \"dev.venice.test\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}");
    List<Change> changes = SchemaDiff.diff(before, after);
    assertChanges(List.of(
        change("", Kind.TYPE_CHANGED, "record User", "record Person"),
        change("id", Kind.TYPE_CHANGED, "int", "long")), changes);
    assertTrue(changes.get(0).detail().contains("dev.venice.test.Person"));
  }

  @Test
  void typeWords() {
    assertEquals("array of record User", SchemaWords.of(
        parse("{\"type\": \"array\", \"items\": " + user("").toString() + "}")));
    assertEquals("fixed Md5 (16 bytes)", SchemaWords.of(
        parse("{\"type\": \"fixed\", \"name\": \"Md5\", \"size\": 16}")));
    assertEquals("map of one of int, string (nullable)", SchemaWords.of(
        parse("{\"type\": \"map\", \"values\": [\"int\", \"null\", \"string\"]}")));
  }
}
