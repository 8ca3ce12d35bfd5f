package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.Output;
import dev.venice.cli.store.StandInController.Run;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice check-schema-compatibility} against a stand-in controller: the candidate is
 * checked against every registered value schema under the given mode (or the store's), the
 * violations are printed field by field with a fix, and the exit status is what scripts need: 0
 * compatible with all, 1 not, 2 for a missing file, an invalid schema, an unknown store or mode.
 */
class CheckSchemaCompatibilityCommandTest {
  private static final String V1 = "{\"type\": \"record\", \"name\": \"User\", \"fields\": ["
      + "{\"name\": \"name\", \"type\": \"string\"}]}";
  private static final String V2 = "{\"type\": \"record\", \"name\": \"User\", \"fields\": ["
      + "{\"name\": \"name\", \"type\": \"string\"},"
      + " {\"name\": \"age\", \"type\": \"int\", \"default\": 0}]}";
  /** Adds a field without a default: old data cannot be read. */
  private static final String NO_DEFAULT = "{\"type\": \"record\", \"name\": \"User\","
      + " \"fields\": [{\"name\": \"name\", \"type\": \"string\"},"
      + " {\"name\": \"city\", \"type\": \"string\"}]}";

  @RegisterExtension final StandInController standIn = new StandInController();
  @TempDir Path dir;

  private String controller(String mode, String... schemas) throws Exception {
    List<ValueSchema> registered = new ArrayList<>();
    for (int i = 0; i < schemas.length; i++) {
      registered.add(new ValueSchema(i + 1, schemas[i], 1_000L * i));
    }
    return standIn.url(Map.of("/stores/users", "{\"name\":\"users\",\"versions\":[],"
        + "\"pluginSettings\":{},\"schemaCompatibility\":\"" + mode + "\"}",
        "/stores/users/schemas", Output.JSON.writeValueAsString(
            new StoreSchemas("users", "\"string\"", registered))));
  }

  private Run check(String controller, String schema, String... more) throws Exception {
    Path file = Files.writeString(dir.resolve("candidate.avsc"), schema);
    List<String> args = new ArrayList<>(List.of("--controller", controller, "--store", "users",
        "--schema", file.toString()));
    args.addAll(List.of(more));
    return StandInController.run(new CheckSchemaCompatibilityCommand(),
        args.toArray(String[]::new));
  }

  @Test
  void aCompatibleCandidateExitsZeroUnderTheStoresOwnMode() throws Exception {
    Run run = check(controller("FULL", V1, V2), V2.replace("0}", "7}"));
    assertEquals(0, run.status(), run.out() + run.err());
    assertTrue(run.out().contains("mode FULL"), run.out());
    assertTrue(run.out().endsWith("Compatible with every registered value schema under FULL."),
        run.out());
  }

  @Test
  void anIncompatibleCandidateNamesTheFieldWhyAndAFixAndExitsOne() throws Exception {
    String controller = controller("NONE", V1, V2);
    Run run = check(controller, NO_DEFAULT, "--mode", "BACKWARD");
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.out().contains("field city is in the new schema without a default and missing"
        + " from value schema 1: the new schema cannot read data written with value schema 1"),
        run.out());
    assertTrue(run.out().contains("fix: add a default to field city in the new schema"),
        run.out());
    assertTrue(run.out().endsWith("INCOMPATIBLE under BACKWARD with value schemas [1, 2]."),
        run.out());

    assertEquals(0, check(controller, NO_DEFAULT, "--mode", "FORWARD").status(),
        "old readers ignore the new field");
    assertEquals(0, check(controller, NO_DEFAULT).status(), "the store's mode, NONE");

    JsonNode json = check(controller, NO_DEFAULT, "--mode", "FULL", "--json").json();
    assertEquals("FULL", json.path("mode").asText());
    assertEquals(false, json.path("compatible").asBoolean());
    assertEquals(2, json.path("incompatibleWith").size(), json.toString());
    JsonNode reason = json.path("versions").get(0).path("reasons").get(0);
    assertEquals("city", reason.path("field").asText(), reason.toString());
    assertEquals("READER_FIELD_MISSING_DEFAULT_VALUE", reason.path("type").asText());
    assertTrue(reason.path("fix").asText().startsWith("add a default"), reason.toString());
  }

  @Test
  void usageAndConnectionErrorsExitTwoWithOneLine() throws Exception {
    String controller = controller("FULL", V1);
    Run invalid = check(controller, "{\"type\": \"record\"");
    assertEquals(2, invalid.status());
    assertTrue(invalid.err().startsWith("check-schema-compatibility: --schema: ")
        && invalid.err().contains("is not a valid Avro schema"), invalid.err());

    Run missing = StandInController.run(new CheckSchemaCompatibilityCommand(), "--controller",
        controller, "--store", "users", "--schema", dir.resolve("absent.avsc").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("cannot read " + dir.resolve("absent.avsc")),
        missing.err());

    Path file = Files.writeString(dir.resolve("v1.avsc"), V1);
    Run noStore = StandInController.run(new CheckSchemaCompatibilityCommand(), "--controller",
        controller, "--store", "nosuchstore", "--schema", file.toString());
    assertEquals(2, noStore.status());
    assertTrue(noStore.err().contains("store nosuchstore does not exist"), noStore.err());

    assertEquals(2, check(controller, V1, "--mode", "SIDEWAYS").status(), "an unknown mode");
    Run noController = check("http://127.0.0.1:1", V1);
    assertEquals(2, noController.status());
    assertEquals(1, noController.err().lines().count(), noController.err());
  }
}
