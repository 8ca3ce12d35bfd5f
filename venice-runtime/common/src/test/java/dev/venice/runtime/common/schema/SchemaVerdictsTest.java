package dev.venice.runtime.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.SchemaDryRun.Direction;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SchemaVerdicts} against the Avro specification's schema-resolution rules, one case per
 * rule, each checked in every mode: the expected directions ({@code newReadsOld}: the new schema
 * reads data written with the old one; {@code oldReadsNew}: the reverse) are written from the
 * specification's text ("Schema Resolution"), not from what the library answers, and each mode's
 * verdict follows: BACKWARD needs the first, FORWARD the second, FULL both, NONE neither.
 */
class SchemaVerdictsTest {
  /** One rule: an old (registered) and a new schema, and the directions the spec allows. */
  record Rule(String name, String oldSchema, String newSchema, boolean newReadsOld,
      boolean oldReadsNew) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static String record(String fields) {
    return "{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"dev.venice.test\","
        + " \"fields\": [" + fields + "]}";
  }

  private static String field(String name, String type) {
    return "{\"name\": \"" + name + "\", \"type\": " + type + "}";
  }

  private static String field(String name, String type, String defaultJson) {
    return "{\"name\": \"" + name + "\", \"type\": " + type + ", \"default\": " + defaultJson
        + "}";
  }

  private static final String ID = field("id", "\"string\"");

  private static String enumType(String symbols, String defaultSymbol) {
    return "{\"type\": \"enum\", \"name\": \"Color\", \"symbols\": [" + symbols + "]"
        + (defaultSymbol == null ? "" : ", \"default\": \"" + defaultSymbol + "\"") + "}";
  }

  private static String fixed(int size) {
    return "{\"type\": \"fixed\", \"name\": \"Hash\", \"size\": " + size + "}";
  }

  static List<Rule> rules() {
    return List.of(
        new Rule("field added with a default", record(ID),
            record(ID + "," + field("age", "\"int\"", "0")), true, true),
        new Rule("field added without a default", record(ID),
            record(ID + "," + field("age", "\"int\"")), false, true),
        new Rule("field removed that had no default", record(ID + "," + field("age", "\"int\"")),
            record(ID), true, false),
        new Rule("field removed that had a default",
            record(ID + "," + field("age", "\"int\"", "0")), record(ID), true, true),
        new Rule("nullable field added with default null", record(ID),
            record(ID + "," + field("city", "[\"null\", \"string\"]", "null")), true, true),
        new Rule("nullable field added without a default", record(ID),
            record(ID + "," + field("city", "[\"null\", \"string\"]")), false, true),
        new Rule("enum symbol added, no enum default",
            record(field("color", enumType("\"RED\"", null))),
            record(field("color", enumType("\"RED\", \"BLUE\"", null))), true, false),
        new Rule("enum symbol added, old enum has a default",
            record(field("color", enumType("\"RED\", \"OTHER\"", "OTHER"))),
            record(field("color", enumType("\"RED\", \"OTHER\", \"BLUE\"", "OTHER"))), true,
            true),
        new Rule("enum symbol removed, no enum default",
            record(field("color", enumType("\"RED\", \"BLUE\"", null))),
            record(field("color", enumType("\"RED\"", null))), false, true),
        new Rule("enum symbol removed, new enum has a default",
            record(field("color", enumType("\"RED\", \"BLUE\", \"OTHER\"", null))),
            record(field("color", enumType("\"RED\", \"OTHER\"", "OTHER"))), true, true),
        new Rule("field renamed with the old name as an alias", record(ID),
            record("{\"name\": \"userId\", \"type\": \"string\", \"aliases\": [\"id\"]}"), true,
            false),
        new Rule("field renamed without an alias", record(ID), record(field("userId",
            "\"string\"")), false, false),
        new Rule("record namespace changed (names match unqualified)", record(ID),
            record(ID).replace("dev.venice.test", "dev.venice.other"), true, true),
        new Rule("record renamed with the old full name as an alias", record(ID),
            record(ID).replace("\"name\": \"User\"", "\"name\": \"Member\", \"aliases\":"
                + " [\"dev.venice.test.User\"]"), true, false),
        new Rule("int to long", record(field("n", "\"int\"")), record(field("n", "\"long\"")),
            true, false),
        new Rule("long to float", record(field("n", "\"long\"")), record(field("n", "\"float\"")),
            true, false),
        new Rule("float to double", record(field("n", "\"float\"")),
            record(field("n", "\"double\"")), true, false),
        new Rule("int to double", record(field("n", "\"int\"")), record(field("n", "\"double\"")),
            true, false),
        new Rule("long to int", record(field("n", "\"long\"")), record(field("n", "\"int\"")),
            false, true),
        new Rule("string to bytes", record(field("s", "\"string\"")),
            record(field("s", "\"bytes\"")), true, true),
        new Rule("int to string", record(field("n", "\"int\"")), record(field("n", "\"string\"")),
            false, false),
        new Rule("fixed size changed", record(field("h", fixed(16))), record(field("h", fixed(32))),
            false, false),
        new Rule("union branch added", record(field("v", "[\"null\", \"string\"]", "null")),
            record(field("v", "[\"null\", \"string\", \"int\"]", "null")), true, false),
        new Rule("union branch removed", record(field("v", "[\"null\", \"string\", \"int\"]",
            "null")), record(field("v", "[\"null\", \"string\"]", "null")), false, true),
        new Rule("plain type made nullable", record(field("v", "\"string\"")),
            record(field("v", "[\"null\", \"string\"]", "null")), true, false));
  }

  static Stream<Arguments> rulesByMode() {
    List<Arguments> all = new ArrayList<>();
    for (Rule rule : rules()) {
      for (SchemaCompatibility mode : SchemaCompatibility.values()) {
        all.add(Arguments.of(rule, mode));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("rulesByMode")
  void verdictsFollowTheSpecificationsResolutionRules(Rule rule, SchemaCompatibility mode) {
    VersionVerdict verdict = SchemaVerdicts.verdict(parse(rule.newSchema()),
        parse(rule.oldSchema()), 1, mode);
    assertEquals(rule.newReadsOld(), verdict.newReadsOld(), rule + ": new reads old " + verdict);
    assertEquals(rule.oldReadsNew(), verdict.oldReadsNew(), rule + ": old reads new " + verdict);
    boolean expected = switch (mode) {
      case BACKWARD -> rule.newReadsOld();
      case FORWARD -> rule.oldReadsNew();
      case FULL -> rule.newReadsOld() && rule.oldReadsNew();
      case NONE -> true;
    };
    assertEquals(expected, verdict.compatible(), rule + " under " + mode + ": " + verdict);
    assertEquals(rule.newReadsOld() && rule.oldReadsNew(), verdict.reasons().isEmpty(),
        "every failing direction has a reason, even when the mode does not enforce it");
    for (Reason reason : verdict.reasons()) {
      assertEquals(mode == SchemaCompatibility.FULL || mode == (reason.direction()
          == Direction.BACKWARD ? SchemaCompatibility.BACKWARD : SchemaCompatibility.FORWARD),
          reason.enforced(), reason.toString());
      assertTrue(!reason.message().isBlank() && !reason.fix().isBlank(), reason.toString());
    }
  }

  @Test
  void reasonsNameTheFieldInPlainWordsWithAFix() {
    VersionVerdict missingDefault = SchemaVerdicts.verdict(
        parse(record(ID + "," + field("age", "\"int\""))), parse(record(ID)), 3,
        SchemaCompatibility.BACKWARD);
    Reason reason = missingDefault.reasons().get(0);
    assertEquals("age", reason.field());
    assertEquals("field age is in the new schema without a default and missing from value schema"
        + " 3: the new schema cannot read data written with value schema 3", reason.message());
    assertTrue(reason.fix().startsWith("add a default to field age in the new schema"),
        reason.fix());

    VersionVerdict nested = SchemaVerdicts.verdict(parse(record(field("address",
        "{\"type\": \"record\", \"name\": \"Address\", \"fields\": [" + field("zip", "\"long\"")
            + "]}"))), parse(record(field("address", "{\"type\": \"record\", \"name\":"
                + " \"Address\", \"fields\": [" + field("zip", "\"string\"") + "]}"))), 1,
        SchemaCompatibility.FULL);
    assertEquals("address.zip", nested.reasons().get(0).field(), nested.toString());
    assertTrue(nested.reasons().get(0).fix().contains("promotes"), nested.toString());

    VersionVerdict symbols = SchemaVerdicts.verdict(
        parse(record(field("color", enumType("\"RED\"", null)))),
        parse(record(field("color", enumType("\"RED\", \"BLUE\"", null)))), 1,
        SchemaCompatibility.BACKWARD);
    assertTrue(symbols.reasons().get(0).fix().contains("[BLUE]")
        && symbols.reasons().get(0).fix().contains("\"default\""), symbols.toString());
  }

  @Test
  void pathsThroughArraysMapsAndUnions() {
    Schema schema = parse(record(field("tags", "{\"type\": \"array\", \"items\": {\"type\":"
        + " \"map\", \"values\": [\"null\", " + record(field("x", "\"int\""))
            .replace("User", "Inner") + "]}}")));
    assertEquals("tags[]{}.x", SchemaVerdicts.fieldAt(schema,
        "/fields/0/type/items/values/1/fields/0/type"));
    assertEquals("", SchemaVerdicts.fieldAt(schema, "/name"));
  }

  private static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }
}
